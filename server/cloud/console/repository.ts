import type { Credential } from '../../../contracts/bi/credential';
import { jobSeqsOfIdentity } from '../db/identity-jobs';
import type { Db } from '../db/open';
import type { PageRequest } from '../http/paging';

export interface AdminRecord {
  id: string;
  tenant_id: string;
  username: string;
  password_hash: string;
  create_time: string;
  last_sign_in_time: string | null;
}

export interface SessionRecord {
  id_hash: string;
  admin_id: string;
  create_time: string;
  last_seen_time: string;
  expire_time: string;
}

export interface AuditRow {
  seq: number;
  create_time: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string;
  identity_id: string | null;
  realm_id: string | null;
  detail: Record<string, unknown> | null;
}

/**
 * What only the console reads and writes: admins, sessions, and the queries
 * behind its pages that the management repositories do not have (substring
 * search, newest-first lists, the audit log by page).
 */
/** An identity's audit events before `@before`, newest first (see `activityOfIdentity`). */
export const ACTIVITY_OF_IDENTITY_SQL = `SELECT * FROM (
    SELECT * FROM audit_events
     WHERE tenant_id = @tenant AND identity_id = @identity AND action <> 'credential_binding_job.create'
       AND (realm_id = @realm OR realm_id IS NULL) AND seq < @before
     ORDER BY seq DESC LIMIT @limit)
  UNION ALL
  SELECT * FROM (
    SELECT a.* FROM binding_jobs j
      -- CROSS JOIN: SQLite then keeps this order, the identity's jobs first; left to choose,
      -- it read the tenant's whole log and looked each event's job up.
      CROSS JOIN audit_events a
     WHERE j.seq IN (${jobSeqsOfIdentity('@identity')}) AND j.realm_id = @realm
       AND a.resource_id = j.id AND a.action = 'credential_binding_job.create' AND a.tenant_id = @tenant AND a.seq < @before
     ORDER BY a.seq DESC LIMIT @limit)
  ORDER BY seq DESC LIMIT @limit`;

/**
 * The same for an identity no longer in the realm. Its jobs went with it (the
 * identities_take_jobs trigger), and with them the way to its job creations, so its events are read off the
 * tenant's log backwards, on audit_events_by_tenant. Only pages about a deleted identity
 * (a link from its `identity.delete` event) pay for that; the log's other events are skipped.
 */
export const ACTIVITY_OF_GONE_IDENTITY_SQL = `SELECT * FROM audit_events INDEXED BY audit_events_by_tenant
  WHERE tenant_id = @tenant AND identity_id = @identity AND (realm_id = @realm OR realm_id IS NULL) AND seq < @before
  ORDER BY seq DESC LIMIT @limit`;

export function createConsoleRepository(db: Db) {
  const adminByUsername = db.prepare(`SELECT * FROM admins WHERE username = ?`);
  const adminById = db.prepare(`SELECT * FROM admins WHERE id = ?`);
  const insertAdmin = db.prepare(
    `INSERT INTO admins (id, tenant_id, username, password_hash, create_time) VALUES (@id, @tenant_id, @username, @password_hash, @create_time)`,
  );
  const setPassword = db.prepare(`UPDATE admins SET password_hash = ? WHERE id = ?`);
  const signedIn = db.prepare(`UPDATE admins SET last_sign_in_time = ? WHERE id = ?`);

  const sessionByHash = db.prepare(`SELECT * FROM console_sessions WHERE id_hash = ?`);
  const insertSession = db.prepare(
    `INSERT INTO console_sessions (id_hash, admin_id, create_time, last_seen_time, expire_time)
     VALUES (@id_hash, @admin_id, @create_time, @last_seen_time, @expire_time)`,
  );
  const touchSession = db.prepare(`UPDATE console_sessions SET last_seen_time = ? WHERE id_hash = ?`);
  const deleteSession = db.prepare(`DELETE FROM console_sessions WHERE id_hash = ?`);
  const deleteExpired = db.prepare(`DELETE FROM console_sessions WHERE expire_time <= ? OR last_seen_time <= ?`);

  // Search: 3+ characters go through the trigram index, which drives the
  // query (CROSS JOIN keeps that order) and yields rowids in order, so paging
  // needs no sort. Shorter strings cannot use trigrams: they scan the realm with LIKE.
  const page = (from: string, where: string, seq: string) =>
    db.prepare(`SELECT i.rowid AS seq, i.id FROM ${from} WHERE ${where} AND ${seq} > @after ORDER BY ${seq} LIMIT @limit OFFSET @skip`);
  const count = (from: string, where: string) => db.prepare(`SELECT count(*) FROM ${from} WHERE ${where}`).pluck();
  const TRIGRAM_FROM = 'identities_search s CROSS JOIN identities i ON i.rowid = s.rowid';
  const TRIGRAM_WHERE = 'identities_search MATCH @match AND i.realm_id = @realm';
  const LIKE_WHERE = `i.realm_id = @realm AND (i.username_key LIKE @like ESCAPE '\\' OR i.display_name LIKE @like ESCAPE '\\' OR i.email LIKE @like ESCAPE '\\')`;
  const search = {
    trigram: { page: page(TRIGRAM_FROM, TRIGRAM_WHERE, 's.rowid'), count: count(TRIGRAM_FROM, TRIGRAM_WHERE) },
    like: { page: page('identities i', LIKE_WHERE, 'i.rowid'), count: count('identities i', LIKE_WHERE) },
    all: { page: page('identities i', 'i.realm_id = @realm', 'i.rowid'), count: count('identities i', 'i.realm_id = @realm') },
  };

  const jobIdsOfIdentity = db
    .prepare(`SELECT id FROM binding_jobs WHERE realm_id = @realm AND seq IN (${jobSeqsOfIdentity('@identity')}) ORDER BY seq DESC LIMIT @limit`)
    .pluck();
  // Newest first, in keyset pages: the rowid is the last column of every index, so
  // credentials_by_identity hands the identity's rows over in rowid order, read backwards
  // from `before`. No sort, however many (revoked) credentials the identity holds.
  const credentialsOfIdentity = db.prepare(
    `SELECT rowid AS seq, id, identity_id, realm_id, tenant_id, state, csr_type, jwk_json, jwk_thumbprint, create_time, update_time
     FROM credentials WHERE realm_id = @realm AND identity_id = @identity AND rowid < @before
     ORDER BY rowid DESC LIMIT @limit`,
  );
  const countCredentialsOfIdentity = db
    .prepare(`SELECT count(*) FROM credentials WHERE realm_id = @realm AND identity_id = @identity`)
    .pluck();
  const managementApp = db
    .prepare(`SELECT id FROM applications WHERE realm_id = ? AND is_managed = 1 ORDER BY rowid LIMIT 1`)
    .pluck();
  const realmsOfTenant = db.prepare(`SELECT id, display_name FROM realms WHERE tenant_id = ? ORDER BY rowid`);
  const activityAll = db.prepare(
    `SELECT * FROM audit_events WHERE tenant_id = @tenant AND (realm_id = @realm OR realm_id IS NULL) AND seq < @before
     ORDER BY seq DESC LIMIT @limit`,
  );
  // Job creations are not in audit_events_by_identity (migration 15: it kept job creation
  // writing a page in the middle of that index per job); they are found through the identity's
  // jobs. A job goes only with its identity (or realm), so for an identity deleted since, the
  // tenant's log is read instead (ACTIVITY_OF_GONE_IDENTITY_SQL).
  const activityOfIdentity = db.prepare(ACTIVITY_OF_IDENTITY_SQL);
  const activityOfGoneIdentity = db.prepare(ACTIVITY_OF_GONE_IDENTITY_SQL);

  return {
    adminByUsername: (username: string) => adminByUsername.get(username) as AdminRecord | undefined,
    adminById: (id: string) => adminById.get(id) as AdminRecord | undefined,
    insertAdmin: (admin: Omit<AdminRecord, 'last_sign_in_time'>) => void insertAdmin.run(admin),
    setPassword: (id: string, passwordHash: string) => void setPassword.run(passwordHash, id),
    markSignedIn: (id: string, now: Date) => void signedIn.run(now.toISOString(), id),

    session: (idHash: string) => sessionByHash.get(idHash) as SessionRecord | undefined,
    insertSession: (session: SessionRecord) => void insertSession.run(session),
    touchSession: (idHash: string, now: Date) => void touchSession.run(now.toISOString(), idHash),
    deleteSession: (idHash: string) => deleteSession.run(idHash).changes === 1,
    /** Forgets sessions past their absolute end or idle for longer than `idleMs`. */
    deleteExpiredSessions: (now: Date, idleMs: number) =>
      void deleteExpired.run(now.toISOString(), new Date(now.getTime() - idleMs).toISOString()),

    /** One page of a realm's identity ids whose username, display name or email contains `q` (any case). */
    searchIdentities(realmId: string, q: string, req: PageRequest): { rows: { seq: number; id: string }[]; total: number } {
      const needle = q.trim();
      const kind = needle === '' ? 'all' : [...needle].length >= 3 ? 'trigram' : 'like';
      const args = {
        realm: realmId,
        // A quoted FTS5 string is one phrase: with trigrams, "contains this substring".
        ...(kind === 'trigram' ? { match: `"${needle.replaceAll('"', '""')}"` } : {}),
        ...(kind === 'like' ? { like: `%${needle.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` } : {}),
      };
      const statements = search[kind];
      const rows = statements.page.all({ ...args, after: req.afterSeq, limit: req.size + 1, skip: req.skip }) as {
        seq: number;
        id: string;
      }[];
      return { rows, total: statements.count.get(args) as number };
    },
    /** A realm identity's binding job ids, newest first. */
    jobIdsOfIdentity: (realmId: string, identityId: string, limit: number) =>
      jobIdsOfIdentity.all({ realm: realmId, identity: identityId, limit }) as string[],
    /**
     * A realm identity's credentials, newest first: up to `limit` of those older than the row
     * `beforeSeq` (all of them without it), each with its rowid as `seq`, the keyset cursor;
     * and how many the identity has in all.
     */
    credentialsOfIdentity(
      realmId: string,
      identityId: string,
      options: { beforeSeq?: number; limit: number },
    ): { rows: (Credential & { seq: number })[]; total: number } {
      const args = { realm: realmId, identity: identityId };
      const rows = credentialsOfIdentity.all({ ...args, before: options.beforeSeq ?? Number.MAX_SAFE_INTEGER, limit: options.limit }) as (Credential & {
        seq: number;
      })[];
      return { rows, total: countCredentialsOfIdentity.get(args) as number };
    },
    /** The realm's Management API application (the managed one), if any. */
    managementApplicationId: (realmId: string) => managementApp.get(realmId) as string | undefined,
    realmsOfTenant: (tenantId: string) => realmsOfTenant.all(tenantId) as { id: string; display_name: string }[],
    /**
     * Audit events of the tenant (this realm's and tenant-wide ones), newest first, before
     * `beforeSeq`; with `identity`, only that identity's, read as fits one still in the realm or not.
     */
    activity(
      tenantId: string,
      realmId: string,
      options: { identity?: { id: string; inRealm: boolean }; beforeSeq?: number; limit: number },
    ): AuditRow[] {
      const args = {
        tenant: tenantId,
        realm: realmId,
        before: options.beforeSeq ?? Number.MAX_SAFE_INTEGER,
        limit: options.limit,
        ...(options.identity ? { identity: options.identity.id } : {}),
      };
      const statement = !options.identity ? activityAll : options.identity.inRealm ? activityOfIdentity : activityOfGoneIdentity;
      const rows = statement.all(args) as (Omit<AuditRow, 'detail'> & {
        tenant_id: string;
        detail_json: string | null;
      })[];
      return rows.map(({ detail_json, tenant_id: _tenant, ...row }) => ({
        ...row,
        detail: detail_json ? (JSON.parse(detail_json) as Record<string, unknown>) : null,
      }));
    },
  };
}

export type ConsoleRepository = ReturnType<typeof createConsoleRepository>;
