import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FullConfig } from '@playwright/test';

/** How long the whole system may take to come up. */
const STARTUP_TIMEOUT_MS = 60_000;
/** How long the system gets to shut down after SIGTERM before it is SIGKILLed. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Playwright global setup: starts the whole system (local cloud + app) once for the test run.
 *
 * - builds the SPA first if `dist/index.html` is missing (the app backend serves `dist/`);
 * - runs `npx tsx scripts/start.ts` with a fresh temporary DATA_DIR and free APP_PORT /
 *   CLOUD_PORT, in its own process group, logging to `${DATA_DIR}/system.log`;
 * - waits until `${DATA_DIR}/dev-tenant.json` exists and `GET /api/health` answers 200;
 * - exports E2E_APP_URL, E2E_CLOUD_URL and E2E_DATA_DIR to the tests.
 *
 * Returns the teardown, which stops exactly that process group and deletes the data dir
 * (kept when E2E_KEEP_DATA is set, to look at the database and the log afterwards).
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const root = config.configFile ? path.dirname(config.configFile) : process.cwd();

  if (!existsSync(path.join(root, 'dist', 'index.html'))) {
    console.log('[e2e] dist/index.html is missing; building the SPA…');
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`[e2e] vite build failed (exit ${build.status ?? build.signal}).`);
  }

  const [appPort, cloudPort] = await findFreePorts(2);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-e2e-'));
  const logPath = path.join(dataDir, 'system.log');
  // Pages must be opened at http://localhost (a secure context for WebAuthn), never 127.0.0.1.
  const appUrl = `http://localhost:${appPort}`;
  const cloudUrl = `http://localhost:${cloudPort}`;

  // The child writes straight to the log file, so its output never depends on this process
  // draining a pipe.
  const logFd = openSync(logPath, 'a');
  const child = spawn('npx', ['tsx', 'scripts/start.ts'], {
    cwd: root,
    env: { ...process.env, APP_PORT: String(appPort), CLOUD_PORT: String(cloudPort), DATA_DIR: dataDir },
    // Own process group: npx -> tsx -> node (-> any servers they fork) can then be signalled
    // together with kill(-pid), and nothing outside that group is touched.
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('[e2e] could not spawn `npx tsx scripts/start.ts`.');

  // Safety net if the runner dies without running the teardown: never leave servers behind.
  const killOnExit = () => signalGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await stopProcessGroup(pid);
  };

  try {
    await waitUntilReady({ child, tenantFile: path.join(dataDir, 'dev-tenant.json'), appUrl });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n[e2e] last lines of ${logPath}:\n${tail(logPath, 60)}`, {
      cause: error,
    });
  }

  process.env.E2E_APP_URL = appUrl;
  process.env.E2E_CLOUD_URL = cloudUrl;
  process.env.E2E_DATA_DIR = dataDir;
  console.log(`[e2e] system up: app ${appUrl}, cloud ${cloudUrl}, data ${dataDir} (log: ${logPath})`);

  return async () => {
    await stop();
    if (process.env.E2E_KEEP_DATA) console.log(`[e2e] kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  };
}

/**
 * Free TCP ports, all distinct: every listener stays open until all ports are known, so the
 * OS cannot hand out the same port twice.
 */
async function findFreePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

/** Resolves once the system is ready; rejects if the child exits first or on timeout. */
async function waitUntilReady(options: { child: ChildProcess; tenantFile: string; appUrl: string }): Promise<void> {
  const { child, tenantFile, appUrl } = options;
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `code ${code}`;
  });

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exit) throw new Error(`[e2e] scripts/start.ts exited (${exit}) before the system was ready.`);
    if (existsSync(tenantFile) && (await answers200(`${appUrl}/api/health`))) return;
    if (Date.now() > deadline) {
      throw new Error(
        `[e2e] the system was not ready after ${STARTUP_TIMEOUT_MS / 1000} s ` +
          `(${existsSync(tenantFile) ? 'dev-tenant.json exists' : 'no dev-tenant.json yet'}; ` +
          `${appUrl}/api/health did not answer 200).`,
      );
    }
    await sleep(250);
  }
}

async function answers200(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, then SIGKILL if any member is still alive after the grace period. */
async function stopProcessGroup(pid: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + SHUTDOWN_GRACE_MS;
  while (Date.now() < deadline) {
    if (!signalGroup(pid, 0)) return;
    await sleep(100);
  }
  signalGroup(pid, 'SIGKILL');
}

/** Sends `signal` to the process group led by `pid`; false when the group no longer exists. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
