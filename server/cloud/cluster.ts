import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../lib/logger';
import type { CapturedMessage } from './mail/capture';

/** Messages between the primary and the cloud's HTTP workers. */
export type ToPrimary = { type: 'ready' } | { type: 'mail-queued' } | { type: 'inbox'; id: number };
export type ToWorker = { type: 'inbox'; id: number; messages: CapturedMessage[] } | { type: 'stop' };

export interface CloudWorkersOptions {
  count: number;
  log: Logger;
  /** A worker queued an email: wake the primary's mail worker. */
  onMailQueued(): void;
  /** The built-in capture's messages, for the workers' `/inbox` (absent with SMTP_URL). */
  inbox?: () => CapturedMessage[];
  /** Where the console's build is. */
  distDir: string;
}

const STOP_GRACE_MS = 5_000;

/**
 * Forks `count` HTTP workers that serve the cloud's port together (Node's
 * cluster: the primary accepts connections and hands each to a worker in
 * turn). Measured on the bind ceremony before choosing it (bench/): one
 * process spends its core on HTTP, JSON and SQLite; two use the second core.
 * Everything that must be single stays in the primary: migrations and seeding
 * (done before forking), the mail worker, the SMTP capture, the WAL
 * checkpointer and the https listener for the signing keys. Workers share the
 * primary's SQLite file in WAL mode; their transactions take the write lock
 * at BEGIN (see `openDb`). A worker that dies is replaced.
 */
export async function startCloudWorkers(options: CloudWorkersOptions) {
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.ts', import.meta.url)) });
  let stopping = false;
  const workers = new Set<Worker>();

  const fork = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ BINDERY_DIST_DIR: options.distDir, BINDERY_INBOX: options.inbox ? '1' : '0' });
      workers.add(worker);
      const failedEarly = (code: number | null) => reject(new Error(`cloud worker exited (${code}) before it was ready`));
      worker.once('exit', failedEarly);
      worker.on('message', (message: ToPrimary) => {
        if (message.type === 'ready') {
          worker.off('exit', failedEarly);
          resolve();
        } else if (message.type === 'mail-queued') options.onMailQueued();
        else if (message.type === 'inbox') {
          worker.send({ type: 'inbox', id: message.id, messages: options.inbox?.() ?? [] } satisfies ToWorker);
        }
      });
      worker.on('exit', (code, signal) => {
        workers.delete(worker);
        if (stopping) return;
        options.log.error('cloud worker died; starting another', { pid: worker.process.pid, code, signal });
        fork().catch((error: unknown) => options.log.error('could not replace a cloud worker', { error }));
      });
    });

  await Promise.all(Array.from({ length: options.count }, fork));
  return {
    count: options.count,
    /** Asks each worker to close its listeners and database; kills any that has not exited after a grace period. */
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all(
        [...workers].map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              const timer = setTimeout(() => worker.kill('SIGKILL'), STOP_GRACE_MS);
              worker.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              worker.send({ type: 'stop' } satisfies ToWorker);
            }),
        ),
      );
    },
  };
}
