import Database from 'better-sqlite3';
import path from 'node:path';
import { e2eEnv } from './e2e-env';

/**
 * Test seeding straight into the running cloud's SQLite file (WAL lets a
 * second connection write beside the server's). Only for what the API cannot
 * do on demand, such as making a link old: the e2e system's clock is real.
 */
export function expireBindingJob(jobId: string): void {
  const db = new Database(path.join(e2eEnv().dataDir, 'cloud.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    const changed = db.prepare(`UPDATE binding_jobs SET expire_time = '2001-01-01T00:00:00.000Z' WHERE id = ?`).run(jobId).changes;
    if (changed !== 1) throw new Error(`no binding job ${jobId}`);
  } finally {
    db.close();
  }
}
