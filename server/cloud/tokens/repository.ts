import type { Db } from '../db/open';
import { takePage, type PageOf, type PageRequest } from '../http/paging';
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

/** The columns of a token that authenticating a request reads. */
export type PresentedToken = Pick<TokenRow, 'id' | 'tenant_id' | 'realm_id' | 'application_id' | 'scopes' | 'expires' | 'revoke_time'>;

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
  // Every management call runs this one: only what deciding on the token needs
  // (a row object costs per column; all thirteen were a third of the lookup).
  const presented = db.prepare(
    `SELECT id, tenant_id, realm_id, application_id, scopes, expires, revoke_time FROM api_tokens WHERE token_hash = ?`,
  );
  // The spec spells principal types in lower case (`application`); rows spell
  // them as issued (`Application`), so the type compares ignoring case.
  const ACTIVE = `application_id = @app AND revoke_time IS NULL AND expires > @now
       AND (@type IS NULL OR principal_type = @type COLLATE NOCASE) AND (@principal IS NULL OR principal_id = @principal)`;
  const list = db.prepare(
    `SELECT rowid AS seq, * FROM api_tokens WHERE ${ACTIVE} AND rowid > @after ORDER BY rowid LIMIT @limit OFFSET @skip`,
  );
  const count = db.prepare(`SELECT count(*) FROM api_tokens WHERE ${ACTIVE}`).pluck();
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
    /** What authenticating a presented bearer token needs of its row, whatever its state. */
    findPresented(accessToken: string): PresentedToken | undefined {
      return presented.get(hashSecret(accessToken)) as PresentedToken | undefined;
    },
    /** One page of the application's unexpired, unrevoked tokens, with the total they number. */
    listActive(applicationId: string, nowSeconds: number, principal: { type?: string; id?: string }, req: PageRequest): PageOf<TokenView> {
      const where = { app: applicationId, now: nowSeconds, type: principal.type ?? null, principal: principal.id ?? null };
      const rows = list.all({ ...where, after: req.afterSeq, limit: req.size + 1, skip: req.skip }) as TokenRow[];
      return takePage(rows, req, count.get(where) as number, toView);
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
