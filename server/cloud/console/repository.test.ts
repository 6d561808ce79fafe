import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db/open';
import { createConsoleRepository } from './repository';

/** The SQL that `createConsoleRepository` prepares (not SQL written here), and the plan of each. */
function preparedPlans(): { sql: string; plan: string }[] {
  const db = openDb(':memory:');
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as Db['prepare'];
  createConsoleRepository(db);
  const plans = seen.map((sql) => {
    const named = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1]!, null]));
    const positional = Array<null>(sql.split('?').length - 1).fill(null);
    const args = Object.keys(named).length > 0 ? [named, ...positional] : positional;
    const plan = (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((row) => row.detail).join(' | ');
    return { sql, plan };
  });
  db.close();
  return plans;
}

describe('query plan of an identity\'s credentials, newest first', () => {
  // An identity may hold thousands of (revoked) credentials: each page must be a range read on
  // the identity's index, backwards from the cursor, never a sort of all of them.
  it('reads credentials_by_identity backwards from the cursor, no sort, no scan', () => {
    const pages = preparedPlans().filter(({ sql }) => /FROM credentials\b/.test(sql) && /ORDER BY/.test(sql) && /LIMIT/.test(sql));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.plan).toMatch(/^SEARCH credentials USING INDEX credentials_by_identity \(identity_id=\? AND realm_id=\? AND rowid<\?\)$/);
  });

  it('counts them on the same index', () => {
    const counts = preparedPlans().filter(({ sql }) => /count\(\*\) FROM credentials\b/.test(sql));
    expect(counts).toHaveLength(1);
    expect(counts[0]!.plan).toBe('SEARCH credentials USING COVERING INDEX credentials_by_identity (identity_id=? AND realm_id=?)');
  });
});

describe('credentialsOfIdentity', () => {
  it('pages one identity\'s credentials newest first, before the cursor, with the total', () => {
    const db = openDb(':memory:');
    db.exec(`INSERT INTO tenants (id, display_name, create_time, update_time) VALUES ('t', 'T', 'x', 'x'); INSERT INTO realms (id, tenant_id, display_name, create_time, update_time) VALUES ('r', 't', 'R', 'x', 'x')`);
    for (const id of ['i', 'j']) {
      db.prepare(
        `INSERT INTO identities (id, tenant_id, realm_id, display_name, traits_json, username, username_key, create_time, update_time)
         VALUES (?, 't', 'r', ?, '{}', ?, ?, 'x', 'x')`,
      ).run(id, id, id, id);
    }
    const insert = db.prepare(
      `INSERT INTO credentials (id, tenant_id, realm_id, identity_id, state, csr_type, jwk_json, jwk_thumbprint, create_time, update_time)
       VALUES (?, 't', 'r', ?, 'REVOKED', 'JWT', '{}', ?, 'x', 'x')`,
    );
    for (let n = 1; n <= 5; n++) {
      insert.run(`i${n}`, 'i', `ti${n}`);
      insert.run(`j${n}`, 'j', `tj${n}`);
    }
    const repo = createConsoleRepository(db);
    const first = repo.credentialsOfIdentity('r', 'i', { limit: 3 });
    expect(first.rows.map((row) => row.id)).toEqual(['i5', 'i4', 'i3']);
    expect(first.total).toBe(5);
    const rest = repo.credentialsOfIdentity('r', 'i', { beforeSeq: first.rows.at(-1)!.seq, limit: 3 });
    expect(rest.rows.map((row) => row.id)).toEqual(['i2', 'i1']);
    expect(repo.credentialsOfIdentity('x', 'i', { limit: 3 })).toEqual({ rows: [], total: 0 });
    db.close();
  });
});
