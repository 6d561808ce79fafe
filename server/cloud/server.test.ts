import Database from 'better-sqlite3';
import cluster from 'node:cluster';
import { createHook, type AsyncHook } from 'node:async_hooks';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { readCloudConfig } from './config';
import { startCloud } from './server';
import { freePort } from './test/free-port';

/**
 * A start that fails part-way leaves nothing running: each test takes a port the cloud
 * needs with a listener of its own, so that a step fails for real, and then looks for what
 * the earlier steps started: the database's connections (the serving one and the WAL
 * checkpointer's, which runs in a thread of its own), listeners, timers, threads and
 * cluster workers. Linux only, as it reads /proc.
 */

let dataDir: string;
let blockers: Server[];
let hooks: AsyncHook[];
beforeEach(() => {
  hooks = [];
  dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-start-failure-'));
  blockers = [];
});
afterEach(async () => {
  for (const hook of hooks) hook.disable();
  await Promise.all(blockers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  rmSync(dataDir, { recursive: true, force: true });
});

const silent = createLogger({}, { level: 'silent' });
const dbFile = () => path.join(dataDir, 'cloud.sqlite');

/** A listener of the test's own on 127.0.0.1, holding `port` (any free one by default). */
async function takePort(port = 0): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  blockers.push(server);
  return (server.address() as { port: number }).port;
}

/** This process's open files that are the database or its WAL and shared-memory files. */
function openDbFiles(): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dbFile())) open.push(target);
    } catch {
      // closed meanwhile
    }
  }
  return open;
}

/**
 * Listening sockets, by Node's count, and threads, by the kernel's (the checkpointer's worker
 * thread is unref'd, so Node does not count it). The `stat` first starts libuv's thread pool,
 * if nothing has yet: its threads stay, and would otherwise count as the start's.
 */
async function busy() {
  await stat(dataDir);
  return {
    listeners: process.getActiveResourcesInfo().filter((type) => type === 'TCPServerWrap').length,
    threads: readdirSync('/proc/self/task').length,
  };
}

/**
 * Timers created from now on that are still pending: neither fired nor cleared. Tracked
 * through async hooks, not Node's count of active resources, which leaves out unref'd
 * timers (the housekeeping's) and counts vitest's own.
 */
function trackTimers(): { pending(): number } {
  const pending = new Set<number>();
  const hook = createHook({
    init: (id, type) => void (type === 'Timeout' && pending.add(id)),
    destroy: (id) => void pending.delete(id),
  }).enable();
  hooks.push(hook);
  return { pending: () => pending.size };
}

/**
 * The thread count once it is down to `expected` (an ended thread may take a moment to go),
 * or what it is after 2 s. A loop of its own, not `expect.poll`, which leaves a timer pending.
 */
async function threadsSettle(expected: number): Promise<number> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const { threads } = await busy();
    if (threads === expected || Date.now() > deadline) return threads;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Child processes of this one that run a cloud worker. */
function cloudWorkerChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return parent === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('cluster-worker');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Everything the failed start opened is closed again, and the database is whole and free. */
async function expectNothingLeft(before: Awaited<ReturnType<typeof busy>>, timers: { pending(): number }): Promise<void> {
  expect(openDbFiles()).toEqual([]);
  // The last connection to close folds the WAL in and removes it.
  expect(existsSync(`${dbFile()}-wal`)).toBe(false);
  // At once, not eventually: a timer still pending would fire on a closed database.
  expect(timers.pending()).toBe(0);
  expect((await busy()).listeners).toBe(before.listeners);
  expect(await threadsSettle(before.threads)).toBe(before.threads);
  const db = new Database(dbFile());
  try {
    expect(db.pragma('wal_checkpoint(TRUNCATE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
}

describe('startCloud, when a step fails', () => {
  it('its HTTP port already taken: rejects with the listener error and leaves nothing it started running', async () => {
    const taken = await takePort();
    const config = readCloudConfig({ DATA_DIR: dataDir, CLOUD_PORT: String(taken), CLOUD_TLS_PORT: '0', SMTP_CAPTURE_PORT: '0' });
    const before = await busy();
    const timers = trackTimers();

    await expect(startCloud(config, silent, { distDir: path.join(dataDir, 'no-dist'), workers: 1 })).rejects.toMatchObject({
      code: 'EADDRINUSE',
      port: taken,
    });
    await expectNothingLeft(before, timers);
  });

  it('its https port (the signing keys) taken: also closes the HTTP listener that was already up', async () => {
    const port = await freePort();
    const tlsPort = await takePort();
    const config = readCloudConfig({ DATA_DIR: dataDir, CLOUD_PORT: String(port), CLOUD_TLS_PORT: String(tlsPort), SMTP_CAPTURE_PORT: '0' });
    const before = await busy();
    const timers = trackTimers();

    await expect(startCloud(config, silent, { distDir: path.join(dataDir, 'no-dist'), workers: 1 })).rejects.toMatchObject({
      code: 'EADDRINUSE',
      port: tlsPort,
    });
    await expectNothingLeft(before, timers);
    // The HTTP port is free again.
    expect(await takePort(port)).toBe(port);
  });

  describe('with cluster workers (CLOUD_WORKERS=2)', () => {
    const envKeys = ['DATA_DIR', 'CLOUD_PORT', 'CLOUD_TLS_PORT', 'SMTP_CAPTURE_PORT'] as const;
    const savedEnv = Object.fromEntries(envKeys.map((key) => [key, process.env[key]]));
    const savedExecArgv = cluster.settings.execArgv;
    afterEach(() => {
      for (const key of envKeys) {
        if (savedEnv[key] === undefined) delete process.env[key];
        else process.env[key] = savedEnv[key];
      }
      cluster.setupPrimary({ execArgv: savedExecArgv ?? process.execArgv });
    });

    it('that cannot come up (the port taken): the mail worker, the housekeeping and the workers stop too', async () => {
      const taken = await takePort();
      const env = { DATA_DIR: dataDir, CLOUD_PORT: String(taken), CLOUD_TLS_PORT: '0', SMTP_CAPTURE_PORT: '0' };
      // The workers read their settings from the environment, and run the TypeScript sources.
      Object.assign(process.env, env);
      cluster.setupPrimary({ execArgv: ['--import', 'tsx'] });
      const forked: number[] = [];
      const onFork = (worker: { process: { pid?: number } }) => forked.push(worker.process.pid!);
      cluster.on('fork', onFork);
      const before = await busy();
      const timers = trackTimers();

      try {
        await expect(startCloud(readCloudConfig(env), silent, { distDir: path.join(dataDir, 'no-dist'), workers: 2 })).rejects.toThrow(
          /cloud worker exited \(1\) before it was ready/,
        );
      } finally {
        cluster.off('fork', onFork);
      }
      // Both were forked and both have exited by the time the start rejects.
      expect(forked).toHaveLength(2);
      expect(cloudWorkerChildren()).toEqual([]);
      expect(Object.keys(cluster.workers ?? {})).toEqual([]);
      await expectNothingLeft(before, timers);
    }, 60_000);
  });
});
