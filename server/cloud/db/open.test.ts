import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDbFile } from '../test/temp-db';
import { openDb, type Db } from './open';

function freshDb(): { db: Db; file: string } {
  const { file } = tempDbFile();
  return { db: openDb(file), file };
}

describe('transactions across processes', () => {
  it('take the write lock when they begin, so a read-then-write never fails on another writer', () => {
    const { db, file } = freshDb();
    const other = new Database(file);
    other.pragma('busy_timeout = 0');
    const otherWrite = () => other.prepare(`INSERT INTO tenants (id, display_name, create_time, update_time) VALUES (?, 'T', 'now', 'now')`).run(`o${Math.random()}`);
    db.transaction(() => {
      db.prepare(`SELECT count(*) FROM tenants`).get();
      // Deferred, this read would not hold the lock and the other writer would get in first.
      expect(otherWrite).toThrow(/locked|busy/i);
    })();
    expect(otherWrite).not.toThrow();
    other.close();
    db.close();
  });
});

describe('savepoint journals', () => {
  it('stay in memory, so a group commit creates no temp file per transaction', () => {
    const { db } = freshDb();
    // 2 = MEMORY; the default (0) lets SQLite spill them to a file.
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
    db.close();
  });
});
