import { describe, expect, it } from 'vitest';
import { openDb } from './open';

// Deleting a parent row makes SQLite look up the rows that refer to it by the
// referring column (to cascade, or to refuse). Without an index led by that
// column the lookup scans the whole child table under the write lock, once
// per deleted row: 23 ms to delete one identity at 100k binding jobs before
// migration 13. Checked on the migrated schema, so a new table is held to it.
const db = openDb(':memory:');

interface ForeignKey { table: string; parent: string; from: string }

const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
const foreignKeys: ForeignKey[] = tables.flatMap((table) =>
  (db.prepare(`SELECT "table" AS parent, "from" FROM pragma_foreign_key_list(?)`).all(table) as { parent: string; from: string }[]).map((fk) => ({ table, ...fk })),
);

/** The plan SQLite picks for the lookup a delete of the parent runs: the child rows by the referring column. */
function lookupPlan({ table, from }: ForeignKey): string {
  return (db.prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM "${table}" WHERE "${from}" = ?`).all(null) as { detail: string }[])
    .map((row) => row.detail)
    .join(' | ');
}

describe('foreign keys', () => {
  it('finds the schema’s references (the check below is not vacuous)', () => {
    expect(foreignKeys.length).toBeGreaterThanOrEqual(20);
    expect(foreignKeys).toContainEqual({ table: 'credentials', parent: 'identities', from: 'identity_id' });
    expect(foreignKeys).toContainEqual({ table: 'binding_jobs', parent: 'credentials', from: 'credential_id' });
  });

  it.each(foreignKeys.map((fk) => [`${fk.table}.${fk.from} -> ${fk.parent}`, fk] as const))('%s is looked up on an index', (_name, fk) => {
    const plan = lookupPlan(fk);
    expect(plan).toMatch(/^SEARCH .* USING (COVERING )?INDEX|^SEARCH .* USING (INTEGER )?PRIMARY KEY/);
    expect(plan).not.toMatch(/\bSCAN\b/);
  });

  it('deletes an identity with its credential and jobs, and the jobs that name that credential', () => {
    const own = openDb(':memory:');
    own.exec(`
      INSERT INTO tenants (id, display_name, create_time, update_time) VALUES ('t', 'T', 'x', 'x');
      INSERT INTO realms (id, tenant_id, display_name, create_time, update_time) VALUES ('r', 't', 'R', 'x', 'x');
      INSERT INTO identities (id, tenant_id, realm_id, display_name, traits_json, username, username_key, create_time, update_time)
        VALUES ('i1', 't', 'r', 'A', '{}', 'a', 'a', 'x', 'x'), ('i2', 't', 'r', 'B', '{}', 'b', 'b', 'x', 'x');
      INSERT INTO credentials (id, tenant_id, realm_id, identity_id, state, csr_type, jwk_json, jwk_thumbprint, create_time, update_time)
        VALUES ('c1', 't', 'r', 'i1', 'ACTIVE', 'JWT', '{}', 'p1', 'x', 'x'), ('c2', 't', 'r', 'i2', 'ACTIVE', 'JWT', '{}', 'p2', 'x', 'x');
      INSERT INTO binding_jobs (id, tenant_id, realm_id, identity_id, delivery_method, state, credential_id, authenticator_config_id, token_hash, expire_time, create_time, update_time)
        VALUES ('j1', 't', 'r', 'i1', 'RETURN', 'COMPLETE', 'c1', 'a', 'h1', 'x', 'x', 'x'),
               ('j2', 't', 'r', 'i1', 'RETURN', 'LINK_SENT', NULL, 'a', 'h2', 'x', 'x', 'x'),
               ('j3', 't', 'r', 'i2', 'RETURN', 'COMPLETE', 'c2', 'a', 'h3', 'x', 'x', 'x');
    `);
    own.prepare(`DELETE FROM identities WHERE id = 'i1'`).run();
    expect(own.prepare(`SELECT id FROM binding_jobs ORDER BY id`).pluck().all()).toEqual(['j3']);
    expect(own.prepare(`SELECT id FROM credentials ORDER BY id`).pluck().all()).toEqual(['c2']);
    // The partial index on credential_id still makes the reference binding: a credential a job names stays.
    expect(() => own.prepare(`DELETE FROM credentials WHERE id = 'c2'`).run()).toThrow(/FOREIGN KEY/);
    own.close();
  });
});
