import type { Logger } from '../lib/logger';

/**
 * Work done after the response has gone out (the EMAIL link for a
 * `POST /api/email-link`, so that its timing says nothing about whether the
 * account exists). Failures are logged, never thrown. `idle()` resolves once
 * everything started so far has settled: tests wait on it, and so can a
 * graceful shutdown.
 */
export interface BackgroundTasks {
  run(name: string, task: () => Promise<void>, fields?: Record<string, unknown>): void;
  idle(): Promise<void>;
}

export function createBackgroundTasks(log: Logger): BackgroundTasks {
  const pending = new Set<Promise<void>>();
  return {
    run(name, task, fields = {}) {
      const promise = Promise.resolve()
        .then(task)
        .catch((error: unknown) => log.error(`background task failed: ${name}`, { ...fields, error }))
        .finally(() => pending.delete(promise));
      pending.add(promise);
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
