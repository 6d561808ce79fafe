import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDbFile } from '../test/temp-db';
import { createGroupCommit } from './group-commit';
import { openDb, type Db } from './open';

function setup(): { db: Db; file: string } {
  const { file } = tempDbFile();
  return { db: openDb(file), file };
}

const insertTenant = (db: Db, id: string) =>
  db.prepare(`INSERT INTO tenants (id, display_name, create_time, update_time) VALUES (?, 'T', 'now', 'now')`).run(id);
const tenantIds = (db: Db) => db.prepare(`SELECT id FROM tenants ORDER BY id`).pluck().all();

describe('group commit', () => {
  it('commits the writes handed in during one turn in one transaction', async () => {
    const { db, file } = setup();
    const write = createGroupCommit(db);
    // Another connection sees data_version move once per commit of ours.
    const observer = new Database(file);
    const version = () => observer.pragma('data_version', { simple: true }) as number;
    const before = version();
    const results = await Promise.all(['a', 'b', 'c'].map((id) => write(() => (insertTenant(db, id), id.toUpperCase()))));
    expect(results).toEqual(['A', 'B', 'C']);
    expect(version() - before).toBe(1);
    expect(tenantIds(observer)).toEqual(['a', 'b', 'c']);
    await write(() => insertTenant(db, 'd'));
    expect(version() - before).toBe(2);
    observer.close();
  });

  it('rolls back only the unit that throws, and gives its caller the error', async () => {
    const { db } = setup();
    const write = createGroupCommit(db);
    const outcomes = await Promise.allSettled([
      write(() => insertTenant(db, 'a')),
      write(() => {
        insertTenant(db, 'half-written');
        throw new Error('refused');
      }),
      write(() => insertTenant(db, 'a')), // a unique violation: rolled back alone too
      write(() => insertTenant(db, 'b')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect(tenantIds(db)).toEqual(['a', 'b']);
  });

  it('lets a unit that throws before writing fail alone, without running the group again', async () => {
    const { db } = setup();
    const write = createGroupCommit(db);
    const runs = [0, 0, 0];
    const outcomes = await Promise.allSettled([
      write(() => (runs[0]!++, insertTenant(db, 'a'))),
      write(() => {
        runs[1]!++;
        throw new Error('not found');
      }),
      write(() => (runs[2]!++, insertTenant(db, 'a'))), // SQLite undoes the failed statement itself
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(runs).toEqual([1, 1, 1]);
    expect(tenantIds(db)).toEqual(['a']);
  });

  it('runs the group again, each unit in a savepoint, when a unit wrote and then threw', async () => {
    const { db } = setup();
    const write = createGroupCommit(db);
    const runs = [0, 0, 0];
    const outcomes = await Promise.allSettled([
      write(() => (runs[0]!++, insertTenant(db, 'a'), 'A')),
      write(() => {
        runs[1]!++;
        insertTenant(db, 'half-written');
        throw new Error('refused');
      }),
      write(() => (runs[2]!++, insertTenant(db, 'b'), 'B')),
    ]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('refused') },
      { status: 'fulfilled', value: 'B' },
    ]);
    // The first pass (undone as a whole) stopped at the unit that threw.
    expect(runs).toEqual([2, 2, 1]);
    expect(tenantIds(db)).toEqual(['a', 'b']);
  });

  it('answers no one before the COMMIT: a failed commit fails every unit of the group', async () => {
    const { db, file } = setup();
    // Another connection holds the write lock past the busy timeout, so BEGIN IMMEDIATE fails.
    db.pragma('busy_timeout = 50');
    const write = createGroupCommit(db);
    const blocker = new Database(file);
    blocker.prepare('BEGIN IMMEDIATE').run();
    const outcomes = await Promise.allSettled([write(() => insertTenant(db, 'a')), write(() => insertTenant(db, 'b'))]);
    blocker.prepare('ROLLBACK').run();
    blocker.close();
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(tenantIds(db)).toEqual([]);
  });

  it('waits for the write lock another process holds without blocking its event loop, then commits', async () => {
    const { db, file } = setup();
    const write = createGroupCommit(db);
    const blocker = new Database(file);
    blocker.prepare('BEGIN IMMEDIATE').run();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    setTimeout(() => blocker.prepare('ROLLBACK').run(), 100);
    const results = await Promise.all([write(() => (insertTenant(db, 'a'), 1)), write(() => (insertTenant(db, 'b'), 2))]);
    clearInterval(ticker);
    blocker.close();
    expect(results).toEqual([1, 2]);
    expect(tenantIds(db)).toEqual(['a', 'b']);
    // SQLite's own busy wait would have slept through these.
    expect(ticks).toBeGreaterThan(5);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('refuses an async unit: what it did after its first await would not be in the transaction', async () => {
    const { db } = setup();
    const write = createGroupCommit(db);
    await expect(write(async () => insertTenant(db, 'a'))).rejects.toThrow(/must not be async/);
    expect(tenantIds(db)).toEqual([]);
  });
});
