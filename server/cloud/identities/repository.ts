import type { EnrollmentStatus, Identity, IdentityStatus, TraitsV0 } from '../../../contracts/bi/identity';
import { jobSeqsOfIdentity } from '../db/identity-jobs';
import { statementCache, type Db } from '../db/open';
import type { FilterTerm } from '../http/filter';
import { takePage, type PageOf, type PageRequest } from '../http/paging';

interface IdentityRow {
  seq: number;
  id: string;
  tenant_id: string;
  realm_id: string;
  display_name: string;
  status: IdentityStatus;
  traits_json: string;
  create_time: string;
  update_time: string;
  enrollment_status: EnrollmentStatus;
}

/** Filter attributes ListIdentities accepts, and the column each compares. */
export const IDENTITY_FILTERS = {
  // Username values are folded with `usernameKey` before they reach SQL.
  'traits.username': 'i.username_key = ?',
  username: 'i.username_key = ?',
  'traits.primary_email_address': 'i.email = ? COLLATE NOCASE',
  status: 'i.status = ?',
} as const;

// Enrollment status is derived, not stored, so it can never disagree with the
// credentials and binding jobs it summarises. The job subqueries read the
// identity's own jobs by seq (db/identity-jobs.ts): a scan of every pending job
// of the realm per identity read made job creation 17x slower at 100k jobs
// (bench/scaling.ts), and query-plans.test.ts holds the plan.
export const IDENTITY_SELECT = `SELECT i.rowid AS seq, i.id, i.tenant_id, i.realm_id, i.display_name, i.status, i.traits_json,
    i.create_time, i.update_time,
    CASE
      WHEN EXISTS (SELECT 1 FROM credentials c WHERE c.realm_id = i.realm_id AND c.identity_id = i.id AND c.state = 'ACTIVE') THEN 'ENROLLED'
      WHEN EXISTS (SELECT 1 FROM binding_jobs j WHERE j.seq IN (${jobSeqsOfIdentity('i.id')}) AND j.realm_id = i.realm_id
                   AND j.state IN ('LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED') AND j.expire_time > @now) THEN 'PENDING'
      WHEN EXISTS (SELECT 1 FROM binding_jobs j WHERE j.seq IN (${jobSeqsOfIdentity('i.id')}) AND j.realm_id = i.realm_id
                   AND j.state = 'FAILED_TO_SEND') THEN 'INVITE_FAILED'
      ELSE 'UNENROLLED'
    END AS enrollment_status
  FROM identities i`;

export interface NewIdentity {
  id: string;
  tenant_id: string;
  realm_id: string;
  display_name: string;
  status: IdentityStatus;
  traits: TraitsV0;
  create_time: string;
  update_time: string;
}

/** Identities of a realm. Usernames are unique per realm, ignoring case. */
export function createIdentityRepository(db: Db) {
  const get = db.prepare(`${IDENTITY_SELECT} WHERE i.id = @id AND i.realm_id = @realm_id`);
  const insert = db.prepare(
    `INSERT INTO identities (id, tenant_id, realm_id, display_name, status, traits_json, username, username_key, email, create_time, update_time)
     VALUES (@id, @tenant_id, @realm_id, @display_name, @status, @traits_json, @username, @username_key, @email, @create_time, @update_time)`,
  );
  const update = db.prepare(
    `UPDATE identities SET display_name = @display_name, status = @status, traits_json = @traits_json,
       username = @username, username_key = @username_key, email = @email, update_time = @update_time
     WHERE id = @id`,
  );
  const remove = db.prepare(`DELETE FROM identities WHERE id = ? AND realm_id = ?`);
  const exists = db.prepare(`SELECT 1 FROM identities WHERE id = ? AND realm_id = ?`).pluck();
  const email = db.prepare(`SELECT email FROM identities WHERE id = ? AND realm_id = ?`);
  const prepared = statementCache(db);

  return {
    get(realmId: string, id: string, now: Date): Identity | undefined {
      return toIdentity(get.get({ id, realm_id: realmId, now: now.toISOString() }) as IdentityRow | undefined);
    },
    exists: (realmId: string, id: string) => exists.get(id, realmId) === 1,
    /**
     * Whether the identity exists and its email address, without deriving its
     * enrollment status (three subqueries): all that issuing a job needs.
     */
    contact(realmId: string, id: string): { email: string | null } | undefined {
      return email.get(id, realmId) as { email: string | null } | undefined;
    },
    /** Inserts; a taken username surfaces as SQLite's unique-constraint error (see `isUniqueViolation`). */
    insert(identity: NewIdentity): void {
      insert.run(toRow(identity));
    },
    update(identity: NewIdentity): void {
      update.run(toRow(identity));
    },
    remove: (realmId: string, id: string) => remove.run(id, realmId).changes === 1,
    list(realmId: string, terms: FilterTerm[], req: PageRequest, now: Date): PageOf<Identity> {
      const where = ['i.realm_id = ?', ...terms.map((t) => IDENTITY_FILTERS[t.attribute as keyof typeof IDENTITY_FILTERS])];
      const values = [realmId, ...terms.map((t) => (t.attribute.endsWith('username') ? usernameKey(t.value) : t.value))];
      const rows = prepared(`${IDENTITY_SELECT} WHERE ${where.join(' AND ')} AND i.rowid > ? ORDER BY i.rowid LIMIT ? OFFSET ?`)
        .all({ now: now.toISOString() }, ...values, req.afterSeq, req.size + 1, req.skip) as IdentityRow[];
      const total = prepared(`SELECT count(*) FROM identities i WHERE ${where.join(' AND ')}`).pluck().get(...values) as number;
      return takePage(rows, req, total, (row) => toIdentity(row)!);
    },
  };
}

/**
 * The case-folded username that the unique index compares. Folded here, not
 * with SQLite's `lower()`, which only folds ASCII: `Émile` and `émile` must
 * collide like `Ann` and `ann` do.
 */
function usernameKey(username: string): string {
  return username.toLowerCase();
}

function toRow(identity: NewIdentity) {
  return {
    id: identity.id,
    tenant_id: identity.tenant_id,
    realm_id: identity.realm_id,
    display_name: identity.display_name,
    status: identity.status,
    traits_json: JSON.stringify(identity.traits),
    username: identity.traits.username,
    username_key: usernameKey(identity.traits.username),
    email: identity.traits.primary_email_address ?? null,
    create_time: identity.create_time,
    update_time: identity.update_time,
  };
}

function toIdentity(row: IdentityRow | undefined): Identity | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    realm_id: row.realm_id,
    tenant_id: row.tenant_id,
    display_name: row.display_name,
    create_time: row.create_time,
    update_time: row.update_time,
    status: row.status,
    traits: JSON.parse(row.traits_json) as TraitsV0,
    enrollment_status: row.enrollment_status,
  };
}

/** True when `error` is SQLite refusing a duplicate in a UNIQUE index. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export type IdentityRepository = ReturnType<typeof createIdentityRepository>;
