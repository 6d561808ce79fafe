import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConsoleRepository } from '../console/repository';
import { createTestCloud, identityBody } from '../test/harness';
import { tempDbFile } from '../test/temp-db';
import { startCheckpointer } from './checkpointer';
import { FOLD_LIMIT, FOLD_SQL, foldIdentityJobs, jobSeqsOfIdentity, startFoldingInline } from './identity-jobs';
import { migrations, tableRebuilds } from './migrations';
import { migrate, openDb, type Db } from './open';

const silent = { warn: () => undefined };

/** A migrated database with one realm and identities `i0`…`i{n-1}`. */
function withIdentities(n: number, db: Db = openDb(':memory:')): Db {
  db.exec(`INSERT INTO tenants (id, display_name, create_time, update_time) VALUES ('t', 'T', 'x', 'x');
    INSERT INTO realms (id, tenant_id, display_name, create_time, update_time) VALUES ('r', 't', 'R', 'x', 'x')`);
  for (let i = 0; i < n; i++) addIdentity(db, `i${i}`);
  return db;
}

function addIdentity(db: Db, id: string): void {
  db.prepare(`INSERT INTO identities (id, tenant_id, realm_id, display_name, traits_json, username, username_key, create_time, update_time)
    VALUES (?, 't', 'r', ?, '{}', ?, ?, 'x', 'x')`).run(id, id, id, id);
}

let jobCounter = 0;
function addJob(db: Db, identityId: string, state = 'LINK_SENT'): number {
  const id = `job${++jobCounter}`;
  db.prepare(`INSERT INTO binding_jobs (id, tenant_id, realm_id, identity_id, delivery_method, state, authenticator_config_id, token_hash, expire_time, create_time, update_time)
    VALUES (?, 't', 'r', ?, 'EMAIL', ?, 'c', 'h', '2999', 'x', 'x')`).run(id, identityId, state);
  return db.prepare(`SELECT seq FROM binding_jobs WHERE id = ?`).pluck().get(id) as number;
}

/** What the folded table and the tail say an identity's jobs are. */
const foundSeqs = (db: Db, identityId: string) =>
  db.prepare(`SELECT seq FROM binding_jobs WHERE seq IN (${jobSeqsOfIdentity('?')}) ORDER BY seq`).pluck().all(identityId, identityId) as number[];
/** The truth: a scan of every job. */
const trueSeqs = (db: Db, identityId: string) =>
  db.prepare(`SELECT seq FROM binding_jobs NOT INDEXED WHERE identity_id = ? ORDER BY seq`).pluck().all(identityId) as number[];
const through = (db: Db) => db.prepare(`SELECT through_seq FROM identity_binding_jobs_folded`).pluck().get() as number;
const foldedRows = (db: Db) => db.prepare(`SELECT count(*) FROM identity_binding_jobs`).pluck().get() as number;

describe("an identity's binding jobs, folded in batches (migration 16)", () => {
  it('finds every job of every identity, and only those, whatever was folded, deleted or created in between', () => {
    type Step = { kind: 'job'; who: number } | { kind: 'fold' } | { kind: 'deleteJob'; pick: number } | { kind: 'deleteIdentity'; who: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('job' as const), who: fc.nat(3) }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'fold' as const }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteJob' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteIdentity' as const), who: fc.nat(3) }) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const db = withIdentities(4);
        const live = new Set(['i0', 'i1', 'i2', 'i3']);
        for (const s of steps) {
          if (s.kind === 'job') {
            const who = `i${s.who}`;
            if (!live.has(who)) {
              addIdentity(db, who);
              live.add(who);
            }
            addJob(db, who);
          } else if (s.kind === 'fold') {
            foldIdentityJobs(db);
          } else if (s.kind === 'deleteJob') {
            // Often the newest job: SQLite would hand its rowid out again without AUTOINCREMENT.
            const seqs = db.prepare(`SELECT seq FROM binding_jobs ORDER BY seq DESC`).pluck().all() as number[];
            if (seqs.length > 0) db.prepare(`DELETE FROM binding_jobs WHERE seq = ?`).run(seqs[s.pick % Math.min(2, seqs.length)]);
          } else {
            db.prepare(`DELETE FROM identities WHERE id = ?`).run(`i${s.who}`);
            live.delete(`i${s.who}`);
          }
          for (let i = 0; i < 4; i++) expect(foundSeqs(db, `i${i}`)).toEqual(trueSeqs(db, `i${i}`));
          // Nothing dangles, and everything up to through_seq is folded.
          expect(db.prepare(`SELECT count(*) FROM identity_binding_jobs f LEFT JOIN binding_jobs j ON j.seq = f.job_seq AND j.identity_id = f.identity_id WHERE j.seq IS NULL`).pluck().get()).toBe(0);
          expect(db.prepare(`SELECT count(*) FROM binding_jobs j WHERE seq <= @t AND NOT EXISTS (SELECT 1 FROM identity_binding_jobs f WHERE f.identity_id = j.identity_id AND f.job_seq = j.seq)`).pluck().get({ t: through(db) })).toBe(0);
        }
        db.close();
      }),
      { numRuns: 150 },
    );
  });

  it('never hands a seq out twice: a job created after the newest folded one was deleted is still found', () => {
    const db = withIdentities(1);
    addJob(db, 'i0');
    const newest = addJob(db, 'i0');
    expect(foldIdentityJobs(db)).toBe(2);
    db.prepare(`DELETE FROM binding_jobs WHERE seq = ?`).run(newest);
    const next = addJob(db, 'i0');
    expect(next).toBe(newest + 1);
    expect(foundSeqs(db, 'i0')).toEqual([1, next]);
    db.close();
  });

  it('refuses a job for an unknown identity, and a job that changes identity', () => {
    const db = withIdentities(2);
    expect(() => addJob(db, 'nobody')).toThrow(/FOREIGN KEY constraint failed/);
    const seq = addJob(db, 'i0');
    expect(() => db.prepare(`UPDATE binding_jobs SET identity_id = 'i1' WHERE seq = ?`).run(seq)).toThrow(/keeps its identity/);
    // Other columns change as before.
    expect(db.prepare(`UPDATE binding_jobs SET state = 'REVOKED', identity_id = identity_id WHERE seq = ?`).run(seq).changes).toBe(1);
    db.close();
  });

  it('deletes an identity with its folded and unfolded jobs, their queued emails and their folded rows; other identities keep theirs', () => {
    const db = withIdentities(2);
    addJob(db, 'i0');
    addJob(db, 'i1');
    foldIdentityJobs(db);
    addJob(db, 'i0');
    addJob(db, 'i1');
    for (const job of db.prepare(`SELECT id FROM binding_jobs`).pluck().all() as string[]) {
      db.prepare(`INSERT INTO outbox (id, job_id, recipient, state, next_attempt_time, create_time) VALUES (?, ?, 'a@example.com', 'queued', 'x', 'x')`).run(`o-${job}`, job);
    }
    db.prepare(`DELETE FROM identities WHERE id = 'i0'`).run();
    expect(db.prepare(`SELECT identity_id FROM binding_jobs`).pluck().all()).toEqual(['i1', 'i1']);
    expect(db.prepare(`SELECT count(*) FROM outbox`).pluck().get()).toBe(2);
    expect(db.prepare(`SELECT identity_id FROM identity_binding_jobs`).pluck().all()).toEqual(['i1']);
    expect(foundSeqs(db, 'i1')).toEqual(trueSeqs(db, 'i1'));
    db.close();
  });

  it(`folds at most ${FOLD_LIMIT} jobs per transaction, oldest first, and nothing when there is nothing new`, () => {
    const db = withIdentities(3);
    const insert = db.transaction(() => {
      for (let i = 0; i < FOLD_LIMIT + 5; i++) addJob(db, `i${i % 3}`);
    });
    insert();
    expect(foldIdentityJobs(db)).toBe(FOLD_LIMIT);
    expect(through(db)).toBe(FOLD_LIMIT);
    expect(foldIdentityJobs(db)).toBe(5);
    expect(foldIdentityJobs(db)).toBe(0);
    expect(foldedRows(db)).toBe(FOLD_LIMIT + 5);
    for (let i = 0; i < 3; i++) expect(foundSeqs(db, `i${i}`)).toEqual(trueSeqs(db, `i${i}`));
    db.close();
  });

  it("is done by the checkpointer's thread on a database file", async () => {
    const { file } = tempDbFile();
    const db = withIdentities(2, openDb(file));
    // No warning: a thread that failed would have left the folding to this process (fallBack).
    const warnings: string[] = [];
    const checkpointer = startCheckpointer(db, file, { warn: (message) => void warnings.push(message) });
    for (let i = 0; i < 10; i++) addJob(db, `i${i % 2}`);
    await expect.poll(() => through(db), { timeout: 5_000, interval: 50 }).toBe(10);
    expect(foldedRows(db)).toBe(10);
    expect(warnings).toEqual([]);
    await checkpointer.stop();
    db.close();
  });

  it("is taken over by this process after 20 of the thread's folds fail in a row", async () => {
    const { file } = tempDbFile();
    const db = withIdentities(2, openDb(file));
    const warnings: { message: string; fields?: object }[] = [];
    // Only the thread's SQL is broken, at run time (json() of bad text throws when the
    // statement runs, not when it is prepared): its folds fail every turn, its checkpoints still run.
    const checkpointer = startCheckpointer(db, file, { warn: (message, fields) => void warnings.push({ message, fields }) }, {
      intervalMs: 10,
      threadFoldSql: { ...FOLD_SQL, advance: `UPDATE identity_binding_jobs_folded SET through_seq = @top WHERE one = 1 AND json('{') IS NOT NULL` },
    });
    for (let i = 0; i < 10; i++) addJob(db, `i${i % 2}`);
    await expect.poll(() => through(db), { timeout: 5_000, interval: 20 }).toBe(10);
    const failures = warnings.filter((w) => w.message === 'folding identity jobs failed').map((w) => (w.fields as { failures: number }).failures);
    // Folded by this process only once the thread had failed 20 times in a row, not before.
    expect(Math.max(...failures)).toBeGreaterThanOrEqual(20);
    expect(failures.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(foldedRows(db)).toBe(10);
    for (let i = 0; i < 2; i++) expect(foundSeqs(db, `i${i}`)).toEqual(trueSeqs(db, `i${i}`));
    await checkpointer.stop();
    db.close();
  });

  it('is taken over by this process, checkpoints as well, when the thread dies', async () => {
    const { file } = tempDbFile();
    const db = withIdentities(2, openDb(file));
    const warnings: string[] = [];
    const checkpointer = startCheckpointer(db, file, { warn: (message) => void warnings.push(message) }, {
      intervalMs: 10,
      threadDriver: '/no/such/driver.js',
    });
    for (let i = 0; i < 10; i++) addJob(db, `i${i % 2}`);
    await expect.poll(() => through(db), { timeout: 5_000, interval: 20 }).toBe(10);
    expect(warnings).toContain('WAL checkpointer stopped; checkpointing and folding inline again');
    // SQLite's own checkpointing is back on this connection.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // After stop, nothing folds any more: the inline fold ended with it.
    await checkpointer.stop();
    addJob(db, 'i0');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(through(db)).toBe(10);
    db.close();
  });

  it('folded inline, skips a turn while another connection holds the write lock instead of waiting for it', async () => {
    const { file } = tempDbFile();
    const db = withIdentities(1, openDb(file));
    addJob(db, 'i0');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const folding = startFoldingInline(db, 20, silent);
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // A fold that waited out the 5 s busy timeout would have held this event loop that long.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(through(db)).toBe(0);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    other.exec('COMMIT');
    await expect.poll(() => through(db), { timeout: 2_000, interval: 20 }).toBe(1);
    folding.stop();
    other.close();
    db.close();
  });

  it('migrates a database at 15: every job keeps its rowid as its seq and is folded; emails stay', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    for (const sql of migrations.slice(0, 15)) db.exec(sql);
    db.pragma('user_version = 15');
    withIdentities(2, db);
    const job = db.prepare(`INSERT INTO binding_jobs (id, tenant_id, realm_id, identity_id, delivery_method, state, authenticator_config_id, token_hash, expire_time, create_time, update_time)
      VALUES (?, 't', 'r', ?, 'EMAIL', 'LINK_SENT', 'c', 'h', 'x', 'x', 'x')`);
    job.run('a', 'i0');
    job.run('b', 'i1');
    job.run('c', 'i0');
    db.prepare(`DELETE FROM binding_jobs WHERE id = 'b'`).run();
    db.prepare(`INSERT INTO outbox (id, job_id, recipient, state, next_attempt_time, create_time) VALUES ('o', 'c', 'a@example.com', 'queued', 'x', 'x')`).run();
    migrate(db);
    expect(db.prepare(`SELECT seq, id FROM binding_jobs ORDER BY seq`).all()).toEqual([{ seq: 1, id: 'a' }, { seq: 3, id: 'c' }]);
    expect(through(db)).toBe(3);
    expect(db.prepare(`SELECT identity_id, job_seq FROM identity_binding_jobs`).all()).toEqual([{ identity_id: 'i0', job_seq: 1 }, { identity_id: 'i0', job_seq: 3 }]);
    expect(db.prepare(`SELECT job_id FROM outbox`).pluck().all()).toEqual(['c']);
    // The next job continues after the highest rowid the table ever had.
    job.run('d', 'i1');
    expect(db.prepare(`SELECT seq FROM binding_jobs WHERE id = 'd'`).pluck().get()).toBe(4);
    db.close();
  });

  it("answers the same lists, enrollment status and console activity before and after a fold (through the API)", async () => {
    const t = createTestCloud();
    const console = createConsoleRepository(t.db);
    const ids: string[] = [];
    for (const name of ['ann', 'bob']) ids.push((await t.post(`${t.realmPath()}/identities`, identityBody(name))).body.id as string);
    const job = { job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id } };
    for (let i = 0; i < 5; i++) expect((await t.post(`${t.realmPath()}/identities/${ids[i % 2]}/credential-binding-jobs`, job)).status).toBe(200);
    const read = async () => ({
      ann: (await t.get(`${t.realmPath()}/identities/${ids[0]}/credential-binding-jobs?page_size=2`)).body,
      bob: (await t.get(`${t.realmPath()}/identities/${ids[1]}/credential-binding-jobs`)).body,
      identities: (await t.get(`${t.realmPath()}/identities`)).body,
      activity: console.activity(t.tenant.tenant_id, t.tenant.realm_id, { identity: { id: ids[0]!, inRealm: true }, limit: 10 }),
      jobIds: console.jobIdsOfIdentity(t.tenant.realm_id, ids[1]!, 10),
    });
    const unfolded = await read();
    expect(unfolded.ann.credential_binding_jobs).toHaveLength(2);
    expect(unfolded.ann.total_size).toBe(3);
    expect(unfolded.bob.total_size).toBe(2);
    const listed = unfolded.identities.identities as { id: string; enrollment_status: string }[];
    expect(listed.filter((i) => ids.includes(i.id)).map((i) => i.enrollment_status)).toEqual(['PENDING', 'PENDING']);
    // ann: her identity's creation and her three job creations.
    expect(unfolded.activity.map((e) => e.action).sort()).toEqual(['credential_binding_job.create', 'credential_binding_job.create', 'credential_binding_job.create', 'identity.create']);
    expect(unfolded.jobIds).toHaveLength(2);
    expect(through(t.db)).toBe(0);
    expect(foldIdentityJobs(t.db)).toBe(5);
    expect(await read()).toEqual(unfolded);
  });
});

describe('migrate, after migration 16', () => {
  it("counts a job without its identity as a broken reference: a rebuild that would leave one does not commit", () => {
    const db = withIdentities(1);
    addJob(db, 'i0');
    const list = migrations as string[];
    // A faulty later rebuild that loses its job's identity (out of the way of the trigger that would refuse it).
    list.push(`DROP TRIGGER binding_jobs_identity_fixed; UPDATE binding_jobs SET identity_id = 'gone';`);
    const rebuilds = tableRebuilds as Set<number>;
    rebuilds.add(list.length);
    try {
      expect(() => migrate(db)).toThrow(/would break 1 foreign key references/);
    } finally {
      list.pop();
      rebuilds.delete(list.length + 1);
    }
    expect(db.prepare(`SELECT identity_id FROM binding_jobs`).pluck().get()).toBe('i0');
    db.close();
  });
});
