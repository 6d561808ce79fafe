import type { CloudDeps } from '../deps';

/** How often the primary purges expired sign-in rows. */
export const OIDC_HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;
/** Rows of one table deleted per write unit. */
export const OIDC_PURGE_BATCH = 500;

export type OidcHousekeepingDeps = Pick<CloudDeps, 'repos' | 'write' | 'log' | 'clock'>;

export interface OidcHousekeepingOptions {
  /** Time between sweeps; default 10 minutes. */
  intervalMs?: number;
  /** Rows of one table deleted per write; default 500. */
  batch?: number;
  /** What "expired" is measured against; default `deps.clock`. */
  clock?: () => Date;
}

/** Rows deleted by one sweep, per table. */
export interface OidcPurgeCounts {
  accessTokens: number;
  codes: number;
  transactions: number;
}

/**
 * One sweep: deletes expired access tokens, then the expired codes no token refers to any
 * more, then the expired transactions no code refers to (see the repository's purges), each
 * table in batches of `batch` rows until a batch comes back short. In that order, so that a
 * chain whose last token has expired goes in one sweep.
 *
 * Each batch is a write unit of its own in the group commit (`deps.write`), like a request's
 * write: with CLOUD_WORKERS > 1 an HTTP worker may hold SQLite's write lock, and a plain
 * transaction would wait for it in SQLite's busy handler, which sleeps the whole process. A
 * bounded batch keeps the lock, and the requests grouped with it, from waiting on a backlog.
 * `stopping` is asked between batches, so that a shutdown waits for one batch at most.
 */
export async function sweepExpiredOidc(
  deps: Pick<CloudDeps, 'repos' | 'write'>,
  options: { batch: number; clock: () => Date; stopping?: () => boolean },
): Promise<OidcPurgeCounts> {
  const oidc = deps.repos.oidc;
  const purges = [
    ['accessTokens', oidc.purgeExpiredAccessTokens],
    ['codes', oidc.purgeExpiredCodes],
    ['transactions', oidc.purgeExpiredTransactions],
  ] as const;
  const counts: OidcPurgeCounts = { accessTokens: 0, codes: 0, transactions: 0 };
  for (const [table, purge] of purges) {
    for (;;) {
      if (options.stopping?.()) return counts;
      const deleted = await deps.write(() => purge(options.clock(), options.batch));
      counts[table] += deleted;
      if (deleted < options.batch) break;
    }
  }
  return counts;
}

/**
 * Purges expired authorize transactions, authorization codes and access tokens now and then
 * every `intervalMs`: anyone can create transactions (GET /authorize needs no credentials),
 * so without it these tables grow without bound. A code stays while a token it issued is
 * stored, so that a replay still revokes that token; a transaction stays while its code does.
 *
 * Run it in one process only, the primary (which owns the other single things: the mail
 * worker, the checkpointer). A failed sweep is logged (its error, never rows) and the next
 * interval tries again. The timers are unref'd: they never keep the process alive.
 * `stop()` resolves once the batch in flight, if any, has committed.
 */
export function startOidcHousekeeping(deps: OidcHousekeepingDeps, options: OidcHousekeepingOptions = {}) {
  const intervalMs = options.intervalMs ?? OIDC_HOUSEKEEPING_INTERVAL_MS;
  const batch = options.batch ?? OIDC_PURGE_BATCH;
  const clock = options.clock ?? deps.clock;
  if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be above 0, not ${intervalMs}`);
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, not ${batch}`);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(sweep, delayMs);
    timer.unref();
  }

  function sweep(): void {
    // Started from a resolved promise, so that `running` is set before the first write is
    // handed in: a stop() from then on waits for it.
    running = Promise.resolve()
      .then(() => sweepExpiredOidc(deps, { batch, clock, stopping: () => stopped }))
      .then(
        () => undefined,
        (error: unknown) => {
          // The error's code and message only: nothing of the rows (hashes, identities) goes to the log.
          const e = error as { code?: unknown; message?: unknown };
          deps.log.error('purging expired sign-in rows failed; the next sweep tries again', {
            error: typeof e?.message === 'string' ? e.message : String(error),
            ...(typeof e?.code === 'string' ? { code: e.code } : {}),
          });
        },
      )
      .finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
  }

  // The first sweep right away, not after a full interval: a cloud restarted more often than
  // that (a developer's `npm start`) would otherwise never purge.
  schedule(0);
  return {
    /** Stops sweeping; resolves once the batch in flight, if any, has committed. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type OidcHousekeeping = ReturnType<typeof startOidcHousekeeping>;
