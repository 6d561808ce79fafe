import { describe, expect, it } from 'vitest';
import { BATCH_QUEUE_COUNT } from '../batch-jobs/repository';
import { ACTIVITY_OF_GONE_IDENTITY_SQL, ACTIVITY_OF_IDENTITY_SQL } from '../console/repository';
import { IDENTITY_SELECT } from '../identities/repository';
import { REALM_CHILDREN_SQL } from '../realms/repository';
import { createBindingJobRepository } from '../binding-jobs/repository';
import { createCredentialRepository } from '../credentials/repository';
import type { PageRequest } from '../http/paging';
import { createIdentityRepository } from '../identities/repository';
import { createOidcRepository } from '../oidc/repository';
import { openDb, type Db } from './open';

// Lists page in rowid order per realm (keyset paging). These plans must be
// range reads on an index, never a sort of the whole realm: at 100k
// identities the sort made each page take seconds (bench/scaling.ts).
const db = openDb(':memory:');
const plan = (sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array<null>(sql.split('?').length - 1).fill(null)) as { detail: string }[])
    .map((row) => row.detail)
    .join(' | ');

/**
 * The SQL the repositories really prepare while `use` runs (not SQL written here): a list that
 * changed its ORDER BY or WHERE is checked as it now is.
 */
function preparedBy(use: (db: Db) => void): string[] {
  const own = openDb(':memory:');
  const seen: string[] = [];
  const prepare = own.prepare.bind(own);
  own.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as Db['prepare'];
  use(own);
  own.close();
  return seen;
}

/** The plan of a query as prepared, every parameter (positional and named) bound to null. */
function planOf(sql: string): string {
  const named = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1]!, null]));
  const positional = Array<null>(sql.split('?').length - 1).fill(null);
  const args = Object.keys(named).length > 0 ? [named, ...positional] : positional;
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((row) => row.detail).join(' | ');
}

const PAGE: PageRequest = { afterSeq: 0, skip: 0, size: 20, filter: '' };
const NOW = new Date('2030-01-01T00:00:00Z');

describe('query plans of the list operations, as the repositories prepare them', () => {
  it.each([
    ['identities of a realm', (d: Db) => createIdentityRepository(d).list('r', [], PAGE, NOW), 'identities', 'identities_by_realm'],
    ['identities by username', (d: Db) => createIdentityRepository(d).list('r', [{ attribute: 'traits.username', value: 'ann' }], PAGE, NOW), 'identities', 'identities_by_username'],
    ['binding jobs of a realm', (d: Db) => createBindingJobRepository(d).list('r', '-', [], PAGE, NOW), 'binding_jobs', 'binding_jobs_by_realm'],
    ['binding jobs by state', (d: Db) => createBindingJobRepository(d).list('r', '-', [{ attribute: 'state', value: 'COMPLETE' }], PAGE, NOW), 'binding_jobs', 'binding_jobs_by_realm_state'],
    ['binding jobs of an identity', (d: Db) => createBindingJobRepository(d).list('r', 'i', [], PAGE, NOW), 'binding_jobs', 'binding_jobs_by_realm'],
    ['credentials of a realm', (d: Db) => createCredentialRepository(d).list('r', '-', PAGE), 'credentials', 'credentials_by_realm'],
    ['credentials of an identity', (d: Db) => createCredentialRepository(d).list('r', 'i', PAGE), 'credentials', 'credentials_by_identity'],
  ] as const)('%s: an index range read, no sort', (_name, list, table, index) => {
    // The page query: the one that orders and limits rows of that table.
    const pages = preparedBy(list).filter((sql) => new RegExp(`FROM ${table}\\b`).test(sql) && /ORDER BY/.test(sql) && /LIMIT/.test(sql));
    expect(pages.length).toBeGreaterThan(0);
    const used = pages.map(planOf).find((detail) => detail.includes(`INDEX ${index} `));
    expect(used, pages.map(planOf).join('\n')).toBeDefined();
    expect(used).not.toMatch(/TEMP B-TREE|SCAN /);
  });
});

describe("query plan of a list's total_size", () => {
  it.each(['LINK_SENT', 'REQUEST_DELIVERED', 'EXPIRED', 'COMPLETE'])('counts the jobs with state %s from the index alone, not their rows', (state) => {
    const counts = preparedBy((d) => createBindingJobRepository(d).list('r', '-', [{ attribute: 'state', value: state }], PAGE, NOW))
      .filter((sql) => sql.startsWith('SELECT count(*) FROM binding_jobs WHERE realm_id'));
    expect(counts).toHaveLength(1);
    const detail = planOf(counts[0]!);
    // Pending states also compare expire_time (an expired one reads EXPIRED): migration 17 put it in the index.
    expect(detail).toMatch(/COVERING INDEX binding_jobs_by_realm_state/);
    expect(detail).not.toMatch(/SCAN |USING INDEX (?!binding_jobs_by_realm_state)/);
  });
});

describe('query plan of DeleteRealm', () => {
  it('asks whether the realm has children with one index lookup per table, never a scan', () => {
    const detail = (db.prepare(`EXPLAIN QUERY PLAN ${REALM_CHILDREN_SQL}`).all({ id: 'r' }) as { detail: string }[]).map((row) => row.detail).join(' | ');
    // `SCAN CONSTANT ROW` is the SELECT without FROM itself; any other scan reads a table.
    expect(detail.replace('SCAN CONSTANT ROW', '')).not.toMatch(/SCAN /);
    for (const table of ['identities', 'applications', 'authenticator_configs', 'credentials', 'binding_jobs', 'batch_jobs']) {
      expect(detail).toMatch(new RegExp(`SEARCH ${table} USING (COVERING )?INDEX \\w+ \\(realm_id=\\?\\)`));
    }
  });
});

describe('query plan of the enrollment status', () => {
  it('looks at the jobs of the one identity, not at every pending job of the realm', () => {
    const detail = (db.prepare(`EXPLAIN QUERY PLAN ${IDENTITY_SELECT} WHERE i.realm_id = @realm AND i.rowid > @after ORDER BY i.rowid LIMIT 21`)
      .all({ now: '2026-01-01T00:00:00Z', realm: 'r', after: 0 }) as { detail: string }[]).map((row) => row.detail);
    // Each job read looks up the identity's own jobs by seq (rowid=?), from the folded ones and
    // the table's tail (db/identity-jobs.ts); neither reads the realm's pending jobs by state alone.
    const jobReads = detail.filter((line) => /SEARCH j /.test(line));
    expect(jobReads).toHaveLength(2);
    // Covering (migration 17): a pending job's expiry is read from the index, not its row.
    for (const line of jobReads) expect(line).toMatch(/COVERING INDEX binding_jobs_by_realm_state \(realm_id=\? AND state=\? AND seq=\?( AND expire_time>\?)?\)$/);
    expect(detail.filter((line) => line === 'SEARCH identity_binding_jobs USING PRIMARY KEY (identity_id=?)')).toHaveLength(2);
    expect(detail.filter((line) => line === 'SEARCH binding_jobs USING INTEGER PRIMARY KEY (rowid>?)')).toHaveLength(2);
    expect(detail.join('\n')).not.toMatch(/SCAN (?!CONSTANT ROW)/);
  });
});

describe("query plan of an identity's activity (the console)", () => {
  it('reads its events on the identity index and its job creations through its jobs, never the whole log', () => {
    const detail = planOf(ACTIVITY_OF_IDENTITY_SQL);
    expect(detail).toContain('SEARCH audit_events USING INDEX audit_events_by_identity (tenant_id=? AND identity_id=? AND rowid<?)');
    expect(detail).toContain('SEARCH j USING INDEX binding_jobs_by_realm (realm_id=? AND rowid=?)');
    expect(detail).toContain('SEARCH identity_binding_jobs USING PRIMARY KEY (identity_id=?)');
    expect(detail).toContain('SEARCH binding_jobs USING INTEGER PRIMARY KEY (rowid>?)');
    expect(detail).toContain('SEARCH a USING INDEX audit_events_by_job_created (resource_id=? AND rowid<?)');
    expect(detail).not.toMatch(/SCAN (audit_events|a|j)\b|audit_events_by_tenant/);
  });

  it("reads a deleted identity's events off the tenant's log backwards, from the page's start", () => {
    expect(planOf(ACTIVITY_OF_GONE_IDENTITY_SQL)).toBe('SEARCH audit_events USING INDEX audit_events_by_tenant (tenant_id=? AND seq<?)');
  });
});

describe('query plan of the batch queue count', () => {
  it('reads the queued messages, then each one job by id; never every batch job', () => {
    expect(plan(BATCH_QUEUE_COUNT)).toBe('SEARCH o USING INDEX outbox_due (state=?) | SEARCH j USING INDEX sqlite_autoindex_binding_jobs_1 (id=?)');
  });
});

describe('query plans of the purges of expired sign-in rows (oidc/housekeeping.ts)', () => {
  // Anyone can create authorize transactions, so these tables can be large: each batch must
  // read the expired rows oldest first on an index, and every "does anything still refer to
  // it" (and the cascade from a transaction to its codes) must be an index lookup, never a scan.
  const purges = preparedBy((d) => void createOidcRepository(d)).filter((sql) => /^\s*DELETE FROM oidc_/.test(sql));
  const purgeOf = (table: string) => {
    const found = purges.filter((sql) => new RegExp(`^\\s*DELETE FROM ${table}\\b`).test(sql));
    expect(found).toHaveLength(1);
    return planOf(found[0]!);
  };

  it.each([
    ['access tokens', 'oidc_access_tokens', ['SEARCH oidc_access_tokens USING COVERING INDEX oidc_access_tokens_by_expire_time (expire_time<?)']],
    [
      'codes',
      'oidc_codes',
      ['SEARCH c USING INDEX oidc_codes_by_expire_time (expire_time<?)', 'SEARCH t USING COVERING INDEX oidc_access_tokens_by_code (code_hash=?)'],
    ],
    [
      'transactions',
      'oidc_transactions',
      [
        'SEARCH x USING INDEX oidc_transactions_by_expire_time (expire_time<?)',
        'SEARCH c USING COVERING INDEX oidc_codes_by_transaction (transaction_id=?)',
        // The ON DELETE CASCADE from a transaction to its codes.
        'SEARCH oidc_codes USING COVERING INDEX oidc_codes_by_transaction (transaction_id=?)',
      ],
    ],
  ] as const)('%s: a bounded range read on expire_time, index lookups for what refers to them', (_name, table, expected) => {
    const detail = purgeOf(table);
    for (const line of expected) expect(detail).toContain(line);
    // Each row deleted is found by its rowid, from the batch the subquery chose.
    expect(detail).toContain(`SEARCH ${table} USING INTEGER PRIMARY KEY (rowid=?)`);
    expect(detail).not.toMatch(/TEMP B-TREE|SCAN /);
  });
});
