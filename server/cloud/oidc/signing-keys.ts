import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Db } from '../db/open';
import { newId } from '../../lib/ids';
import { seal, unseal } from '../mail/seal';

/**
 * RS256, because Beyond Identity's applications sign with it
 * (`token_signing_algorithm: RS256`) and it is openid-client's default ID
 * token algorithm; the SDK accepts RS256 for the request JWT too.
 */
export const SIGNING_ALG = 'RS256';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

/**
 * The cloud's token-signing keys. Private keys are sealed with the DATA_DIR
 * key like emailed links. `rotate()` starts signing with a new key and keeps
 * the old one published until everything it signed has expired.
 */
export function createSigningKeys(db: Db, sealKey: Buffer) {
  const active = db.prepare(`SELECT * FROM signing_keys WHERE retire_time IS NULL ORDER BY create_time DESC LIMIT 1`);
  const published = db.prepare(`SELECT public_jwk FROM signing_keys WHERE remove_time IS NULL OR remove_time > ? ORDER BY create_time DESC`).pluck();
  const insert = db.prepare(
    `INSERT INTO signing_keys (kid, alg, public_jwk, sealed_private_jwk, create_time) VALUES (?, ?, ?, ?, ?)`,
  );
  const retire = db.prepare(`UPDATE signing_keys SET retire_time = ?, remove_time = ? WHERE retire_time IS NULL`);
  let cached: SigningKey | undefined;

  /** A new key's row, not yet stored: generating is async, storing is done synchronously by the caller. */
  async function generate(now: Date): Promise<[string, string, string, string, string]> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true, modulusLength: 2048 });
    const kid = newId();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    return [kid, SIGNING_ALG, JSON.stringify(publicJwk), seal(sealKey, JSON.stringify(await exportJWK(privateKey))), now.toISOString()];
  }

  return {
    /** The key to sign with now, creating the first one when there is none. */
    async current(now: Date): Promise<SigningKey> {
      let row = active.get() as { kid: string; sealed_private_jwk: string } | undefined;
      if (cached && row?.kid === cached.kid) return cached;
      if (!row) {
        const values = await generate(now);
        // Concurrent first callers all generate; only the first to get here stores its key. Checked
        // and stored under the write lock: another process on the same file may be here too.
        db.transaction(() => {
          if (!active.get()) insert.run(...values);
        })();
        row = active.get() as { kid: string; sealed_private_jwk: string };
      }
      const jwk = JSON.parse(unseal(sealKey, row.sealed_private_jwk)) as JWK;
      cached = { kid: row.kid, privateKey: (await importJWK(jwk, SIGNING_ALG)) as CryptoKey };
      return cached;
    },
    /** The public keys a verifier needs now: the current one and retired ones still in use. */
    jwks(now: Date): { keys: JWK[] } {
      return { keys: (published.all(now.toISOString()) as string[]).map((json) => JSON.parse(json) as JWK) };
    },
    /** Starts a new key; the old one stays published for `keepSeconds` (the longest token lifetime). */
    async rotate(now: Date, keepSeconds: number): Promise<void> {
      // Retire and insert at once: a sign-in in between would find no active key and make one of its own.
      const values = await generate(now);
      db.transaction(() => {
        retire.run(now.toISOString(), new Date(now.getTime() + keepSeconds * 1000).toISOString());
        insert.run(...values);
      })();
      cached = undefined;
    },
  };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
