import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDbFile } from '../test/temp-db';
import { startCheckpointer } from './checkpointer';
import { openDb, type Db } from './open';

function freshDb(): { db: Db; file: string; dir: string } {
  const { file, dir } = tempDbFile();
  return { db: openDb(file), file, dir };
}

/** The rows the database file alone holds, without its WAL: what a checkpoint has copied in. */
function rowsInMainFile(file: string, dir: string): number {
  const copy = path.join(dir, 'copy.sqlite');
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    const hasTable = db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'tenants'`).pluck().get() as number;
    return hasTable ? (db.prepare(`SELECT count(*) FROM tenants`).pluck().get() as number) : 0;
  } finally {
    db.close();
  }
}

const silent = { warn: () => undefined };

describe('WAL checkpointer', () => {
  it('turns off checkpoints on the serving connection and folds the WAL in from its worker', async () => {
    const { db, file, dir } = freshDb();
    const checkpointer = startCheckpointer(db, file, silent);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const insert = db.prepare(`INSERT INTO tenants (id, display_name, create_time, update_time) VALUES (?, 'T', 'now', 'now')`);
    for (let i = 0; i < 50; i++) insert.run(`t${i}`);
    expect(rowsInMainFile(file, dir)).toBe(0);
    await expect.poll(() => rowsInMainFile(file, dir), { timeout: 5_000, interval: 100 }).toBe(50);
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
