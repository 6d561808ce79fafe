import type { Db } from './open';

/**
 * The seqs of one identity's binding jobs, as the body of an `IN (…)`: those
 * folded into identity_binding_jobs, and those in the table's tail, past the
 * last fold (migration 16). `identity` is an SQL expression (`?`, `@identity`,
 * `i.id`); with `?` it is bound twice. IN makes it a set, so a job in both
 * halves counts once.
 */
export function jobSeqsOfIdentity(identity: string): string {
  return `SELECT job_seq FROM identity_binding_jobs WHERE identity_id = ${identity}
    UNION ALL SELECT seq FROM binding_jobs WHERE seq > (SELECT through_seq FROM identity_binding_jobs_folded WHERE one = 1) AND identity_id = ${identity}`;
}

/** Jobs folded per transaction at most: the fold holds the write lock while it runs. */
export const FOLD_LIMIT = 20_000;

/**
 * One fold, as SQL run in a write transaction in this order (the checkpointer's
 * thread runs it as text; `foldIdentityJobs` here). Only rows past
 * `through_seq` are read: a range of the table's rowids, at its end.
 */
export const FOLD_SQL = {
  through: `SELECT through_seq FROM identity_binding_jobs_folded WHERE one = 1`,
  top: `SELECT min(coalesce(max(seq), 0), @through + ${FOLD_LIMIT}) FROM binding_jobs`,
  insert: `INSERT INTO identity_binding_jobs (identity_id, job_seq)
    SELECT identity_id, seq FROM binding_jobs WHERE seq > @through AND seq <= @top ORDER BY identity_id, seq`,
  advance: `UPDATE identity_binding_jobs_folded SET through_seq = @top WHERE one = 1`,
} as const;

/**
 * Folds the jobs created since the last fold into identity_binding_jobs, in
 * one IMMEDIATE transaction; answers how many. In the HTTP processes' place
 * the checkpointer's thread does this every 250 ms (db/checkpointer.ts): one
 * page write per identity touched per fold instead of one per job.
 */
export function foldIdentityJobs(db: Db): number {
  const through = db.prepare(FOLD_SQL.through).pluck();
  const top = db.prepare(FOLD_SQL.top).pluck();
  const insert = db.prepare(FOLD_SQL.insert);
  const advance = db.prepare(FOLD_SQL.advance);
  return db.transaction(() => {
    const from = through.get() as number;
    const to = top.get({ through: from }) as number;
    if (to <= from) return 0;
    const folded = insert.run({ through: from, top: to }).changes;
    advance.run({ top: to });
    return folded;
  }).immediate();
}

/**
 * Folds on this process's event loop every `intervalMs`: for a database with
 * no checkpointer thread (`:memory:`), or when that thread failed. It never
 * waits for the write lock (that would stall every request of the process):
 * a busy lock skips to the next turn.
 */
export function startFoldingInline(db: Db, intervalMs: number, log: { warn(message: string, fields?: object): void }): { stop(): void } {
  const timer = setInterval(() => {
    if (!db.open) return void clearInterval(timer);
    const timeout = db.pragma('busy_timeout', { simple: true }) as number;
    try {
      db.pragma('busy_timeout = 0');
      foldIdentityJobs(db);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') log.warn('folding identity jobs failed', { error: String(error) });
    } finally {
      db.pragma(`busy_timeout = ${timeout}`);
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
