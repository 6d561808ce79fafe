import { describe, expect, it } from 'vitest';
import { BATCH_QUEUE_COUNT } from '../batch-jobs/repository';
import { IDENTITY_SELECT } from '../identities/repository';
import { REALM_CHILDREN_SQL } from '../realms/repository';
import { openDb } from './open';

// Lists page in rowid order per realm (keyset paging). These plans must be
// range reads on an index, never a sort of the whole realm: at 100k
// identities the sort made each page take seconds (bench/scaling.ts).
const db = openDb(':memory:');
const plan = (sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array<null>(sql.split('?').length - 1).fill(null)) as { detail: string }[])
    .map((row) => row.detail)
    .join(' | ');

describe('query plans of the list operations', () => {
  it.each([
    ['identities of a realm', `SELECT i.rowid FROM identities i WHERE i.realm_id = ? AND i.rowid > ? ORDER BY i.rowid LIMIT 21`, 'identities_by_realm'],
    ['identities by username', `SELECT i.rowid FROM identities i WHERE i.realm_id = ? AND i.username_key = ? AND i.rowid > ? ORDER BY i.rowid LIMIT 21`, 'identities_by_username'],
    ['binding jobs of a realm', `SELECT rowid FROM binding_jobs WHERE realm_id = ? AND rowid > ? ORDER BY rowid LIMIT 21`, 'binding_jobs_by_realm'],
    ['binding jobs by state', `SELECT rowid FROM binding_jobs WHERE realm_id = ? AND state = ? AND rowid > ? ORDER BY rowid LIMIT 21`, 'binding_jobs_by_realm_state'],
    ['binding jobs of an identity', `SELECT rowid FROM binding_jobs WHERE realm_id = ? AND identity_id = ? AND rowid > ? ORDER BY rowid LIMIT 21`, 'binding_jobs_by_identity'],
    ['credentials of a realm', `SELECT rowid FROM credentials WHERE realm_id = ? AND rowid > ? ORDER BY rowid LIMIT 21`, 'credentials_by_realm'],
    ['credentials of an identity', `SELECT rowid FROM credentials WHERE realm_id = ? AND identity_id = ? AND rowid > ? ORDER BY rowid LIMIT 21`, 'credentials_by_identity'],
  ])('%s: an index range read, no sort', (_name, sql, index) => {
    const detail = plan(sql);
    expect(detail).toContain(`INDEX ${index}`);
    expect(detail).not.toMatch(/TEMP B-TREE|SCAN /);
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
    const jobReads = detail.filter((line) => /SEARCH j /.test(line));
    expect(jobReads).toHaveLength(2);
    for (const line of jobReads) expect(line).toContain('INDEX binding_jobs_by_identity (realm_id=? AND identity_id=?)');
  });
});

describe('query plan of the batch queue count', () => {
  it('reads the queued messages, then each one job by id; never every batch job', () => {
    expect(plan(BATCH_QUEUE_COUNT)).toBe('SEARCH o USING INDEX outbox_due (state=?) | SEARCH j USING INDEX sqlite_autoindex_binding_jobs_1 (id=?)');
  });
});
