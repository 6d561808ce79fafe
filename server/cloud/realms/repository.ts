import type { Realm } from '../../../contracts/bi/realm';
import type { Db } from '../db/open';
import { takePage, type PageOf, type PageRequest } from '../http/paging';

type RealmRow = Realm & { seq: number; classification: string | null };

/** Whether a realm has anything in it (`busy` 1); see `hasChildren`. Each EXISTS is one index lookup. */
export const REALM_CHILDREN_SQL = `SELECT EXISTS (SELECT 1 FROM identities WHERE realm_id = @id)
   OR EXISTS (SELECT 1 FROM applications WHERE realm_id = @id)
   OR EXISTS (SELECT 1 FROM authenticator_configs WHERE realm_id = @id)
   OR EXISTS (SELECT 1 FROM credentials WHERE realm_id = @id)
   OR EXISTS (SELECT 1 FROM binding_jobs WHERE realm_id = @id)
   OR EXISTS (SELECT 1 FROM batch_jobs WHERE realm_id = @id) AS busy`;

/** Realms of a tenant. */
export function createRealmRepository(db: Db) {
  const get = db.prepare(`SELECT rowid AS seq, * FROM realms WHERE id = ? AND tenant_id = ?`);
  const insert = db.prepare(
    `INSERT INTO realms (id, tenant_id, display_name, classification, create_time, update_time)
     VALUES (@id, @tenant_id, @display_name, @classification, @create_time, @update_time)`,
  );
  const update = db.prepare(`UPDATE realms SET display_name = ?, update_time = ? WHERE id = ?`);
  const remove = db.prepare(`DELETE FROM realms WHERE id = ?`);
  const page = db.prepare(
    `SELECT rowid AS seq, * FROM realms WHERE tenant_id = ? AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`,
  );
  const count = db.prepare(`SELECT count(*) AS n FROM realms WHERE tenant_id = ?`);
  // A realm with anything in it cannot be deleted (Beyond Identity: 409 "realm has children").
  // Every table with a foreign key to realms is asked, except themes, which
  // DeleteRealm removes: a row left out here fails the DELETE's foreign key
  // check instead, a 500. Batch jobs outlive the identities they named, and
  // credentials and binding jobs are asked too rather than trusted to go with
  // their identity.
  const children = db.prepare(REALM_CHILDREN_SQL);
  return {
    get: (tenantId: string, id: string) => toRealm(get.get(id, tenantId) as RealmRow | undefined),
    insert: (realm: Realm) => void insert.run({ classification: null, ...realm }),
    update: (id: string, displayName: string, now: Date) => void update.run(displayName, now.toISOString(), id),
    remove: (id: string) => void remove.run(id),
    hasChildren: (id: string) => (children.get({ id }) as { busy: number }).busy === 1,
    list(tenantId: string, req: PageRequest): PageOf<Realm> {
      const rows = page.all(tenantId, req.afterSeq, req.size + 1, req.skip) as RealmRow[];
      const total = (count.get(tenantId) as { n: number }).n;
      return takePage(rows, req, total, (row) => toRealm(row)!);
    },
  };
}

function toRealm(row: RealmRow | undefined): Realm | undefined {
  if (!row) return undefined;
  const { seq: _seq, classification, ...rest } = row;
  return classification ? { ...rest, classification } : rest;
}

export type RealmRepository = ReturnType<typeof createRealmRepository>;
