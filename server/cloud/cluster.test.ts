import { execFileSync } from 'node:child_process';
import cluster from 'node:cluster';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { readCloudConfig } from './config';
import { allowedCores } from './pin-core';
import { startCloud } from './server';
import { freePort } from './test/free-port';

/**
 * The cloud's HTTP workers pinned to cores (CLOUD_PIN_WORKERS): read back
 * from the kernel, for every thread of each worker. Linux only (/proc,
 * taskset); needs two cores to tell the workers' cores apart.
 */

const silent = createLogger({}, { level: 'silent' });
const envKeys = ['DATA_DIR', 'CLOUD_PORT', 'CLOUD_TLS_PORT', 'SMTP_CAPTURE_PORT'] as const;
const savedEnv = Object.fromEntries(envKeys.map((key) => [key, process.env[key]]));
const savedExecArgv = cluster.settings.execArgv;
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-cluster-'));
});
afterEach(() => {
  for (const key of envKeys) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  cluster.setupPrimary({ execArgv: savedExecArgv ?? process.execArgv });
  rmSync(dataDir, { recursive: true, force: true });
});

/** The cores each thread of process `pid` may run on, one entry per thread ("0", "0,1"). */
function threadCores(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => allowedCores(readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8')).join(','));
}

function livePids(): number[] {
  return Object.values(cluster.workers ?? {})
    .filter((worker) => worker && !worker.isDead())
    .map((worker) => worker!.process.pid!);
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills the worker on core `core` and waits for its replacement: every thread of it on the
 * same core, and the other worker, on `other`, untouched. Updates `byCore`.
 */
async function replaceAndExpect(byCore: Map<string, number>, core: string, other: string): Promise<void> {
  const dead = byCore.get(core)!;
  const survivor = byCore.get(other)!;
  process.kill(dead, 'SIGKILL');
  const deadline = Date.now() + 30_000;
  let replacement: number | undefined;
  while (Date.now() < deadline) {
    replacement = livePids().find((pid) => pid !== dead && pid !== survivor);
    if (replacement !== undefined && threadCores(replacement).every((cores) => cores === core)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(replacement, 'a replacement worker came up').toBeDefined();
  expect(new Set(threadCores(replacement!))).toEqual(new Set([core]));
  expect(new Set(threadCores(survivor))).toEqual(new Set([other]));
  byCore.set(core, replacement!);
}

/** Starts the cloud with two workers on a fixed port (workers share a port only when it is fixed). */
async function startWithWorkers(pinWorkers: boolean) {
  const env = { DATA_DIR: dataDir, CLOUD_PORT: String(await freePort()), CLOUD_TLS_PORT: '0', SMTP_CAPTURE_PORT: '0' };
  // The workers read their settings from the environment, and run the TypeScript sources.
  Object.assign(process.env, env);
  cluster.setupPrimary({ execArgv: ['--import', 'tsx'] });
  return startCloud(readCloudConfig(env), silent, { distDir: path.join(dataDir, 'no-dist'), workers: 2, pinWorkers });
}

describe.runIf(process.platform === 'linux' && availableParallelism() >= 2)('cloud workers on cores (CLOUD_PIN_WORKERS)', () => {
  it('pins worker k, every thread of it, to the k-th core; a replacement takes the core of the worker it replaces', async () => {
    expect(hasTaskset(), 'taskset (util-linux) on PATH: the cloud pins with it').toBe(true);
    const [first, second] = allowedCores().map(String) as [string, string];
    const cloud = await startWithWorkers(true);
    try {
      const byCore = new Map<string, number>();
      for (const pid of livePids()) {
        const cores = new Set(threadCores(pid));
        expect(cores.size, `threads of worker ${pid} on one core list`).toBe(1);
        byCore.set([...cores][0]!, pid);
      }
      expect([...byCore.keys()].sort()).toEqual([first, second].sort());

      // The second core's worker, then the first's: a replacement numbered after the live ones
      // (or by their count) would land on the wrong core in one of the two.
      await replaceAndExpect(byCore, second, first);
      await replaceAndExpect(byCore, first, second);
    } finally {
      await cloud.stop();
    }
  }, 90_000);

  it('leaves the workers to the scheduler when not asked to pin', async () => {
    const cloud = await startWithWorkers(false);
    try {
      // Every core this process may run on.
      const mine = allowedCores().join(',');
      for (const pid of livePids()) expect(new Set(threadCores(pid))).toEqual(new Set([mine]));
    } finally {
      await cloud.stop();
    }
  }, 60_000);
});
