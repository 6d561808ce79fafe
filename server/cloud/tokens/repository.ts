import type { Db } from '../db/open';
import { hashSecret, newId, newSecret } from '../../lib/ids';

interface TokenRow {
  seq: number;
  id: string;
  tenant_id: string;
  realm_id: string;
  application_id: string;
  display_name: string | null;
  token_suffix: string;
  scopes: string;
  principal_type: string;
  principal_id: string;
  issued_at: number;
  expires: number;
  revoke_time: string | null;
}

/** A token as ListTokens returns it. */
export interface TokenView {
  id: string;
  display_name?: string;
  scopes: string[];
  token_suffix: string;
  token_format: 'referential';
  expires: number;
  issued_at: number;
  token_type: 'access';
}

export interface IssuedToken {
  id: string;
  accessToken: string;
  expiresIn: number;
  scopes: string[];
}

/**
 * Management API access tokens. They are opaque (`token_format: referential`):
 * the cloud keeps only a SHA-256 of each, so every call is one indexed lookup
 * and revocation takes effect at once.
 */
export function createTokenRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO api_tokens (id, tenant_id, realm_id, application_id, display_name, token_hash, token_suffix, scopes,
       principal_type, principal_id, issued_at, expires)
     VALUES (@id, @tenant_id, @realm_id, @application_id, @display_name, @token_hash, @token_suffix, @scopes,
       @principal_type, @principal_id, @issued_at, @expires)`,
  );
  const byHash = db.prepare(`SELECT rowid AS seq, * FROM api_tokens WHERE token_hash = ?`);
  const list = db.prepare(
    `SELECT rowid AS seq, * FROM api_tokens
     WHERE application_id = ? AND revoke_time IS NULL AND expires > ?
       AND (? IS NULL OR principal_type = ?) AND (? IS NULL OR principal_id = ?)
     ORDER BY rowid LIMIT 100`,
  );
  const revoke = db.prepare(
    `UPDATE api_tokens SET revoke_time = ? WHERE id = ? AND application_id = ? AND revoke_time IS NULL`,
  );
  const byId = db.prepare(`SELECT rowid AS seq, * FROM api_tokens WHERE id = ? AND application_id = ?`);

  return {
    issue(input: {
      tenantId: string;
      realmId: string;
      applicationId: string;
      scopes: string[];
      lifetimeSeconds: number;
      displayName?: string;
      now: Date;
    }): IssuedToken {
      const accessToken = newSecret(32);
      const issuedAt = Math.floor(input.now.getTime() / 1000);
      const id = newId();
      insert.run({
        id,
        tenant_id: input.tenantId,
        realm_id: input.realmId,
        application_id: input.applicationId,
        display_name: input.displayName ?? null,
        token_hash: hashSecret(accessToken),
        token_suffix: accessToken.slice(-8),
        scopes: input.scopes.join(' '),
        principal_type: 'Application',
        principal_id: input.applicationId,
        issued_at: issuedAt,
        expires: issuedAt + input.lifetimeSeconds,
      });
      return { id, accessToken, expiresIn: input.lifetimeSeconds, scopes: input.scopes };
    },
    /** The token row for a presented bearer token, whatever its state. */
    findByToken(accessToken: string): TokenRow | undefined {
      return byHash.get(hashSecret(accessToken)) as TokenRow | undefined;
    },
    listActive(applicationId: string, nowSeconds: number, principal: { type?: string; id?: string }): TokenView[] {
      const type = principal.type ?? null;
      const id = principal.id ?? null;
      return (list.all(applicationId, nowSeconds, type, type, id, id) as TokenRow[]).map(toView);
    },
    get(applicationId: string, tokenId: string): TokenRow | undefined {
      return byId.get(tokenId, applicationId) as TokenRow | undefined;
    },
    revoke(applicationId: string, tokenId: string, now: Date): boolean {
      return revoke.run(now.toISOString(), tokenId, applicationId).changes === 1;
    },
  };
}

function toView(row: TokenRow): TokenView {
  return {
    id: row.id,
    ...(row.display_name ? { display_name: row.display_name } : {}),
    scopes: row.scopes === '' ? [] : row.scopes.split(' '),
    token_suffix: row.token_suffix,
    token_format: 'referential',
    expires: row.expires,
    issued_at: row.issued_at,
    token_type: 'access',
  };
}

export type TokenRepository = ReturnType<typeof createTokenRepository>;
