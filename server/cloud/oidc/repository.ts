import type { Db } from '../db/open';
import type { ChallengeMethod } from './pkce';

export interface OidcTransaction {
  id: string;
  tenant_id: string;
  realm_id: string;
  application_id: string;
  redirect_uri: string;
  client_state: string | null;
  client_nonce: string | null;
  /** Null when the authorize request sent no challenge (the application's `pkce` is `disabled`). */
  code_challenge: string | null;
  /** Set exactly when `code_challenge` is (a CHECK in the table). */
  code_challenge_method: ChallengeMethod | null;
  scope: string;
  bi_nonce: string;
  expire_time: string;
  used_time: string | null;
  create_time: string;
}

export interface OidcCode {
  code_hash: string;
  transaction_id: string;
  application_id: string;
  identity_id: string;
  credential_id: string;
  auth_time: number;
  expire_time: string;
  used_time: string | null;
}

/** Authorize transactions, authorization codes and access tokens of the OIDC sign-in. */
export function createOidcRepository(db: Db) {
  const insertTx = db.prepare(
    `INSERT INTO oidc_transactions (id, tenant_id, realm_id, application_id, redirect_uri, client_state, client_nonce, code_challenge,
       code_challenge_method, scope, bi_nonce, expire_time, create_time)
     VALUES (@id, @tenant_id, @realm_id, @application_id, @redirect_uri, @client_state, @client_nonce, @code_challenge,
       @code_challenge_method, @scope, @bi_nonce, @expire_time, @create_time)`,
  );
  const getTx = db.prepare(`SELECT * FROM oidc_transactions WHERE id = ?`);
  // Single use: only an unused, unexpired transaction is taken.
  const useTx = db.prepare(`UPDATE oidc_transactions SET used_time = @now WHERE id = @id AND used_time IS NULL AND expire_time > @now`);
  const insertCode = db.prepare(
    `INSERT INTO oidc_codes (code_hash, transaction_id, application_id, identity_id, credential_id, auth_time, expire_time, create_time)
     VALUES (@code_hash, @transaction_id, @application_id, @identity_id, @credential_id, @auth_time, @expire_time, @create_time)`,
  );
  const getCode = db.prepare(`SELECT * FROM oidc_codes WHERE code_hash = ?`);
  const useCode = db.prepare(`UPDATE oidc_codes SET used_time = @now WHERE code_hash = @code_hash AND used_time IS NULL AND expire_time > @now`);
  const insertToken = db.prepare(
    `INSERT INTO oidc_access_tokens (token_hash, code_hash, application_id, identity_id, scope, expire_time, create_time)
     VALUES (@token_hash, @code_hash, @application_id, @identity_id, @scope, @expire_time, @create_time)`,
  );
  const getToken = db.prepare(`SELECT * FROM oidc_access_tokens WHERE token_hash = ? AND revoke_time IS NULL AND expire_time > ?`);
  const revokeByCode = db.prepare(`UPDATE oidc_access_tokens SET revoke_time = ? WHERE code_hash = ? AND revoke_time IS NULL`);
  // The purges (housekeeping.ts). Each deletes at most @limit rows, oldest first on the
  // expire_time indexes (migration 12), so that one write holds SQLite's write lock briefly
  // however large the backlog. Expired means what the readers above refuse: expire_time <= now.
  const purgeTokens = db.prepare(
    `DELETE FROM oidc_access_tokens WHERE rowid IN
       (SELECT rowid FROM oidc_access_tokens WHERE expire_time <= @now ORDER BY expire_time LIMIT @limit)`,
  );
  // A code stays while any token it issued is still stored: a replay of it must still find and
  // revoke that token (revokeTokensOfCode; the tokens have no foreign key to their code).
  const purgeCodes = db.prepare(
    `DELETE FROM oidc_codes WHERE rowid IN
       (SELECT c.rowid FROM oidc_codes c
         WHERE c.expire_time <= @now AND NOT EXISTS (SELECT 1 FROM oidc_access_tokens t WHERE t.code_hash = c.code_hash)
         ORDER BY c.expire_time LIMIT @limit)`,
  );
  // A transaction stays while a code refers to it: the code grant reads the transaction of a
  // code (redirect URI, PKCE, scope), and deleting it would take the code along by cascade.
  const purgeTransactions = db.prepare(
    `DELETE FROM oidc_transactions WHERE rowid IN
       (SELECT x.rowid FROM oidc_transactions x
         WHERE x.expire_time <= @now AND NOT EXISTS (SELECT 1 FROM oidc_codes c WHERE c.transaction_id = x.id)
         ORDER BY x.expire_time LIMIT @limit)`,
  );
  const purge = (statement: typeof purgeTokens) => (now: Date, limit: number) => statement.run({ now: now.toISOString(), limit }).changes;
  return {
    insertTransaction: (tx: Omit<OidcTransaction, 'used_time'>) => void insertTx.run(tx),
    getTransaction: (id: string) => getTx.get(id) as OidcTransaction | undefined,
    useTransaction: (id: string, now: Date) => useTx.run({ id, now: now.toISOString() }).changes === 1,
    insertCode: (code: Omit<OidcCode, 'used_time'> & { create_time: string }) => void insertCode.run(code),
    getCode: (hash: string) => getCode.get(hash) as OidcCode | undefined,
    useCode: (hash: string, now: Date) => useCode.run({ code_hash: hash, now: now.toISOString() }).changes === 1,
    insertAccessToken: (token: { token_hash: string; code_hash: string; application_id: string; identity_id: string; scope: string; expire_time: string; create_time: string }) =>
      void insertToken.run(token),
    getAccessToken: (hash: string, now: Date) =>
      getToken.get(hash, now.toISOString()) as { identity_id: string; application_id: string; scope: string } | undefined,
    /** A replayed code revokes what the first redemption issued (RFC 6749 §4.1.2). */
    revokeTokensOfCode: (hash: string, now: Date) => revokeByCode.run(now.toISOString(), hash).changes,
    /** Deletes up to `limit` access tokens expired at `now`, revoked or not; returns how many. */
    purgeExpiredAccessTokens: purge(purgeTokens),
    /** Deletes up to `limit` codes expired at `now` that no stored access token refers to; returns how many. */
    purgeExpiredCodes: purge(purgeCodes),
    /** Deletes up to `limit` transactions expired at `now` that no stored code refers to; returns how many. */
    purgeExpiredTransactions: purge(purgeTransactions),
  };
}

export type OidcRepository = ReturnType<typeof createOidcRepository>;
