import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Per table: its row count and a hash of its rows (order-independent). */
export type DbSnapshot = Record<string, { rows: number; hash: string }>;

/**
 * A fingerprint of every table of the database (virtual tables are skipped:
 * their shadow tables hold their content). `where` narrows a table's rows,
 * for the few changes a test allows and accounts for itself.
 */
export function snapshotDb(db: Database.Database, where: Record<string, string> = {}): DbSnapshot {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name`)
    .pluck()
    .all() as string[];
  const snapshot: DbSnapshot = {};
  for (const table of tables) {
    const rows = db.prepare(`SELECT * FROM "${table}"${where[table] ? ` WHERE ${where[table]}` : ''}`).raw().all() as unknown[][];
    const lines = rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('base64') : value))).sort();
    snapshot[table] = { rows: rows.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16) };
  }
  return snapshot;
}

/** The tables whose fingerprint differs between two snapshots, with both fingerprints. */
export function diffSnapshots(before: DbSnapshot, after: DbSnapshot): Record<string, { before?: DbSnapshot[string]; after?: DbSnapshot[string] }> {
  const out: Record<string, { before?: DbSnapshot[string]; after?: DbSnapshot[string] }> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[table];
    const b = after[table];
    if (a?.hash !== b?.hash || a?.rows !== b?.rows) out[table] = { ...(a ? { before: a } : {}), ...(b ? { after: b } : {}) };
  }
  return out;
}
