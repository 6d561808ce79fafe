import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { FOLD_SQL, startFoldingInline } from './identity-jobs';
import type { Db } from './open';

/** How often the worker folds new jobs into identity_binding_jobs, then the WAL back into the database file. */
export const INTERVAL_MS = 250;
/** Failed folds in a row (5 s) after which the serving process folds as well. */
const FOLD_FAILURES_INLINE = 20;

// Plain JavaScript, evaluated in the worker: it must load under tsx, vitest
// and plain node alike. It opens its own connection to the same file.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const sql = workerData.fold;
const through = db.prepare(sql.through).pluck();
const top = db.prepare(sql.top).pluck();
const insert = db.prepare(sql.insert);
const advance = db.prepare(sql.advance);
const fold = db.transaction(() => {
  const from = through.get();
  const to = top.get({ through: from });
  if (to <= from) return;
  insert.run({ through: from, top: to });
  advance.run({ top: to });
});
let foldFailures = 0;
const tick = () => {
  if (workerData.foldJobs) {
    try {
      fold.immediate();
      foldFailures = 0;
    } catch (error) {
      foldFailures++;
      parentPort.postMessage({ foldError: String(error), failures: foldFailures });
    }
  }
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error) }); }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  tick();
  db.close();
  parentPort.postMessage('stopped');
});
`;

export interface CheckpointerOptions {
  /** Off only for bench/job-costs.ts's setup with the index as it was before migration 16. */
  foldJobs?: boolean;
  /** Tests only: a shorter turn than INTERVAL_MS. */
  intervalMs?: number;
  /** Tests only: the SQL the thread folds with (broken, to fail the thread's folds alone). */
  threadFoldSql?: Record<keyof typeof FOLD_SQL, string>;
  /** Tests only: the module the thread loads as its SQLite driver (missing, to crash the thread). */
  threadDriver?: string;
}

/**
 * Moves WAL checkpoints off the event loop. By default SQLite checkpoints
 * inside whichever COMMIT pushes the WAL past 1000 pages: that commit copies
 * the pages into the database file and fsyncs it, stalling every request
 * behind it. With checkpoints off altogether the bind ceremony ran 15%
 * faster (`npm run bench -- bind`, one process); moved to this thread, the
 * difference stayed within this machine's run-to-run noise in later runs.
 * Here the serving connections never checkpoint; a worker thread with its
 * own connection runs a PASSIVE checkpoint (which never blocks the writer)
 * every 250 ms, on the other core. Before each checkpoint it folds the jobs
 * created since into identity_binding_jobs (db/identity-jobs.ts): a write
 * transaction, so it may wait for the lock, which on this thread stalls no
 * request.
 */
export function startCheckpointer(
  db: Db,
  file: string,
  log: { warn(message: string, fields?: object): void },
  options: CheckpointerOptions = {},
) {
  const foldJobs = options.foldJobs ?? true;
  const intervalMs = options.intervalMs ?? INTERVAL_MS;
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      file,
      driver: options.threadDriver ?? createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs,
      fold: options.threadFoldSql ?? FOLD_SQL,
      foldJobs,
    },
  });
  let failed = false;
  let stopping = false;
  let inline: { stop(): void } | undefined;
  const foldInline = () => {
    if (!foldJobs || inline || stopping) return;
    inline = startFoldingInline(db, intervalMs, log);
  };
  const fallBack = (reason: string) => {
    if (failed || stopping) return;
    failed = true;
    // Without the worker, SQLite's own checkpointing keeps the WAL bounded,
    // and this process folds the identities' jobs.
    db.pragma('wal_autocheckpoint = 1000');
    foldInline();
    log.warn('WAL checkpointer stopped; checkpointing and folding inline again', { reason });
  };
  worker.on('message', (message: unknown) => {
    if (typeof message !== 'object' || !message) return;
    if ('error' in message) log.warn('WAL checkpoint failed', { error: (message as { error: string }).error });
    if ('foldError' in message) {
      const { foldError, failures } = message as { foldError: string; failures: number };
      log.warn('folding identity jobs failed', { error: foldError, failures });
      // An unfolded tail stays correct but every read of an identity's jobs scans it: after
      // FOLD_FAILURES_INLINE turns in a row, this process folds too (the two never fold the
      // same jobs: each fold reads through_seq inside the write lock).
      if (failures >= FOLD_FAILURES_INLINE) foldInline();
    }
  });
  worker.on('error', (error) => fallBack(String(error)));
  worker.unref();
  return {
    /** Runs a last checkpoint and ends the worker. */
    async stop(): Promise<void> {
      stopping = true;
      inline?.stop();
      if (failed) return;
      const stopped = new Promise<void>((resolve) => {
        worker.on('message', (message) => message === 'stopped' && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
      db.pragma('wal_autocheckpoint = 1000');
    },
  };
}
