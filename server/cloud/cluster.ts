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
  /**
   * Pins a worker (every thread of it) to one core (`pinToCore`). Worker k of
   * n is in slot k, and a replacement in the slot of the worker it replaces:
   * with as many workers as cores, each keeps a core of its own.
   */
  pin?: (pid: number, slot: number) => Promise<void>;
}

const STOP_GRACE_MS = 5_000;
/** Replacing dead workers stops after this many deaths within the window: something is wrong. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/**
 * Forks `count` HTTP workers that serve the cloud's port together (Node's
 * cluster: the primary accepts connections and hands each to a worker in
 * turn). Measured on the bind ceremony before choosing it (bench/): one
 * process spends its core on HTTP, JSON and SQLite; two use the second core.
 * Everything that must be single stays in the primary: migrations and seeding
 * (done before forking), the mail worker, the purge of expired sign-in rows,
 * the SMTP capture, the WAL checkpointer and the https listener for the
 * signing keys. Workers share the
 * primary's SQLite file in WAL mode; their transactions take the write lock
 * at BEGIN (see `openDb`). A worker that dies after it came up is replaced,
 * up to 5 times a minute; one that fails to come up fails the start.
 *
 * With `pin`, each worker keeps to a core of its own, as servers with one
 * worker per core commonly do. Left to the scheduler, on 2 cores beside a load
 * generator, each worker's main thread changed cores about 25 times a second
 * (`se.nr_migrations`); pinned, never. Measured with `npm run bench -- jobs`
 * load, pinned against not, in three runs of alternating rounds: job creation
 * 1.056, 1.045 and 1.053 of unpinned (31 of 36 rounds faster), and 6-8 µs less
 * CPU per request. A failed pin is logged, not fatal.
 */
export async function startCloudWorkers(options: CloudWorkersOptions) {
  cluster.setupPrimary({ exec: fileURLToPath(new URL('./cluster-worker.ts', import.meta.url)) });
  let stopping = false;
  /** The live workers, each with its place among the `count`: which core it is pinned to. */
  const slots = new Map<Worker, number>();
  const freeSlot = (): number => {
    const taken = new Set(slots.values());
    let slot = 0;
    while (taken.has(slot)) slot++;
    return slot;
  };
  const recentDeaths: number[] = [];

  const tell = (worker: Worker, message: ToWorker) => {
    if (worker.isConnected()) worker.send(message);
  };

  const pinWorker = async (worker: Worker, slot: number): Promise<void> => {
    const pid = worker.process.pid;
    if (!options.pin || pid === undefined) return;
    try {
      await options.pin(pid, slot);
    } catch (error) {
      // One that died meanwhile is reported, and replaced, by its exit.
      if (!worker.isDead()) options.log.warn('could not pin a cloud worker to its core; it runs unpinned', { pid, slot, error });
    }
  };

  const fork = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ BINDERY_DIST_DIR: options.distDir, BINDERY_INBOX: options.inbox ? '1' : '0' });
      const slot = freeSlot();
      slots.set(worker, slot);
      // Pinned as it starts, every thread it has by then; those it starts later inherit the core. Ready waits for it.
      const pinned = pinWorker(worker, slot);
      let ready = false;
      // A send to a worker that is exiting fails with EPIPE: not the primary's problem.
      worker.on('error', (error) => options.log.warn('cloud worker channel error', { pid: worker.process.pid, error }));
      worker.on('message', (message: ToPrimary) => {
        if (message.type === 'ready') {
          ready = true;
          // Settles either way: a failed pin is logged, not fatal.
          void pinned.then(resolve, resolve);
        } else if (message.type === 'mail-queued') options.onMailQueued();
        else if (message.type === 'inbox') tell(worker, { type: 'inbox', id: message.id, messages: options.inbox?.() ?? [] });
      });
      worker.on('exit', (code, signal) => {
        slots.delete(worker);
        // One that never came up is a start failure (bad config, a broken file): no retry loop.
        if (!ready) return reject(new Error(`cloud worker exited (${code ?? signal}) before it was ready`));
        if (stopping) return;
        const now = Date.now();
        recentDeaths.push(now);
        while (recentDeaths[0]! < now - RESTART_WINDOW_MS) recentDeaths.shift();
        if (recentDeaths.length > MAX_RESTARTS) {
          options.log.error('cloud workers keep dying; not starting more', { pid: worker.process.pid, code, signal, within_ms: RESTART_WINDOW_MS });
          return;
        }
        options.log.error('cloud worker died; starting another', { pid: worker.process.pid, code, signal });
        fork().catch((error: unknown) => options.log.error('could not replace a cloud worker', { error }));
      });
    });

  try {
    await Promise.all(Array.from({ length: options.count }, fork));
  } catch (error) {
    stopping = true;
    // Waited for, not only signalled: a worker that outlived the failed start would hold the
    // database open and, once up, serve the port with nothing left to stop it.
    await Promise.all(
      [...slots.keys()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.kill('SIGKILL');
          }),
      ),
    );
    throw error;
  }
  return {
    count: options.count,
    /** Asks each worker to close its listeners and database; kills any that has not exited after a grace period. */
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all(
        [...slots.keys()].map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              const timer = setTimeout(() => worker.kill('SIGKILL'), STOP_GRACE_MS);
              worker.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              tell(worker, { type: 'stop' });
            }),
        ),
      );
    },
  };
}
