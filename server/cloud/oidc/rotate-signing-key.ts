import type { Db } from '../db/open';
import { TRANSACTION_SECONDS } from './authorize';
import { DEFAULT_TOKEN_SECONDS } from './code-grant';
import type { SigningKeys } from './signing-keys';

/**
 * How long a retired signing key must stay in the JWKS: the longest life of
 * anything it signed. It signs authorize request JWTs (a transaction's
 * lifetime) and ID tokens (each application's `expires_after`, or the
 * default) of the applications that may use the code grant; the others
 * only mint Management API tokens, which are checked in the database, not
 * against the JWKS. The longest lifetime any of them has now is what counts.
 */
export function retiredKeySeconds(db: Db): number {
  const longest = db
    .prepare(
      `SELECT max(CAST(json_extract(protocol_config_json, '$.token_configuration.expires_after') AS INTEGER))
       FROM applications WHERE json_valid(protocol_config_json)
         AND EXISTS (SELECT 1 FROM json_each(protocol_config_json, '$.grant_type') WHERE value = 'authorization_code')`,
    )
    .pluck()
    .get() as number | null;
  return Math.max(TRANSACTION_SECONDS, DEFAULT_TOKEN_SECONDS, longest ?? 0);
}

/**
 * Starts signing with a new key; the old one stays published until what it
 * signed has expired. Running clouds pick the new key up at their next
 * signature (the active key is read from the database each time).
 */
export async function rotateSigningKey(db: Db, keys: SigningKeys, now: Date): Promise<{ kid: string; retiredUntil: Date | undefined }> {
  const before = await keys.current(now);
  const keepSeconds = retiredKeySeconds(db);
  await keys.rotate(now, keepSeconds);
  const after = await keys.current(now);
  return { kid: after.kid, retiredUntil: before.kid === after.kid ? undefined : new Date(now.getTime() + keepSeconds * 1000) };
}
