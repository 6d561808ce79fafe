import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devTenantSchema, type DevTenant } from '../../contracts/dev-tenant';

/** How long the system gets to shut down after SIGTERM before it is SIGKILLed. */
const SHUTDOWN_GRACE_MS = 5_000;

export interface RunningSystem {
  appUrl: string;
  cloudUrl: string;
  /** The cloud's https listener (signing keys), trusted once its local CA is. */
  cloudTlsUrl: string;
  dataDir: string;
  logPath: string;
  pid: number;
  /** The dev tenant the system wrote. */
  tenant(): DevTenant;
  /** SIGTERM to the process group, SIGKILL after a grace period; resolves with how the leader exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }>;
  /** The last lines of the system's output. */
  tail(lines?: number): string;
}

export interface StartSystemOptions {
  root: string;
  /** e.g. `['npm', 'start']` or `['npx', 'tsx', 'scripts/start.ts']`. */
  command: readonly [string, ...string[]];
  dataDir?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Starts the whole system (cloud + app) as a child process group on free
 * loopback ports, with output to `DATA_DIR/system.log`, and resolves once
 * `dev-tenant.json` exists and the app's `/api/health` answers 200. Used by
 * the smoke test and the Playwright global setup; it only ever signals the
 * process group it started.
 */
export async function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  // `findFreePorts` closes its probes before the child listens, so on a busy
  // machine another process can take a port in between (`listen EADDRINUSE`).
  // Start again on fresh ports; on the same DATA_DIR that is an ordinary restart.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
      console.warn(`startSystem: a port was taken before the system bound it; starting again (attempt ${attempt + 1} of 3)`);
    }
  }
}

async function startOnce(options: StartSystemOptions): Promise<RunningSystem> {
  const [appPort, cloudPort, tlsPort] = await findFreePorts(3);
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'bindery-'));
  const logPath = path.join(dataDir, 'system.log');
  // Pages must be opened at http://localhost (a secure context for WebAuthn), never 127.0.0.1.
  const appUrl = `http://localhost:${appPort}`;
  const cloudUrl = `http://localhost:${cloudPort}`;

  // The child writes straight to the log file, so it never blocks on a pipe nobody drains.
  const logFd = openSync(logPath, 'a');
  const [command, ...args] = options.command;
  const child = spawn(command, args, {
    cwd: options.root,
    // A free port for the built-in SMTP capture too, so tests never collide with a running `npm start`.
    env: {
      SMTP_CAPTURE_PORT: '0',
      ...process.env,
      ...options.env,
      APP_PORT: String(appPort),
      CLOUD_PORT: String(cloudPort),
      CLOUD_TLS_PORT: String(tlsPort),
      DATA_DIR: dataDir,
    },
    // Its own process group: npm -> sh -> tsx -> node can be signalled together with kill(-pid).
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${options.command.join(' ')}`);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const tenantFile = path.join(dataDir, 'dev-tenant.json');
  const system: RunningSystem = {
    appUrl,
    cloudUrl,
    cloudTlsUrl: `https://localhost:${tlsPort}`,
    dataDir,
    logPath,
    pid,
    tenant: () => devTenantSchema.parse(JSON.parse(readFileSync(tenantFile, 'utf8'))),
    tail: (lines = 60) => tail(logPath, lines),
    async stop() {
      let forced = false;
      if (signalGroup(pid, 'SIGTERM')) {
        const deadline = Date.now() + SHUTDOWN_GRACE_MS;
        while (Date.now() < deadline && signalGroup(pid, 0)) await sleep(100);
        if (signalGroup(pid, 'SIGKILL')) forced = true;
      }
      return { ...(await exited), forced };
    },
  };
  try {
    await waitUntilReady(child, tenantFile, appUrl, options.timeoutMs ?? 90_000);
  } catch (error) {
    await system.stop();
    throw new Error(`${(error as Error).message}\nlast lines of ${logPath}:\n${system.tail()}`, { cause: error });
  }
  return system;
}

/** Free TCP ports, all distinct: every listener stays open until all are known. */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

async function waitUntilReady(child: ChildProcess, tenantFile: string, appUrl: string, timeoutMs: number): Promise<void> {
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `code ${code}`;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit) throw new Error(`the system exited (${exit}) before it was ready`);
    if (existsSync(tenantFile) && (await answers200(`${appUrl}/api/health`))) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the system was not ready after ${timeoutMs / 1000} s ` +
          `(${existsSync(tenantFile) ? 'dev-tenant.json exists' : 'no dev-tenant.json yet'}; ${appUrl}/api/health did not answer 200)`,
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

/** Fields of `/proc/<pid>/stat` after the command name (which may hold spaces): state is [0], ppid [1], pgrp [2]. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * The cloud's HTTP workers (processes running cluster-worker.ts) that `parent` started: its
 * children, or with `{ group: true }` any process of the group `parent` leads (startSystem's
 * processes run in their own group, and `npx` may sit between it and the cloud). Linux only.
 */
export function cloudWorkers(parent: number, options: { group?: boolean } = {}): number[] {
  const workers: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(Number(entry));
      const related = Number(options.group ? fields[2] : fields[1]) === parent;
      if (related && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('cluster-worker')) workers.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return workers;
}

/** CPU time (user + system) process `pid` has used so far, in seconds. Linux only. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of the stat line, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
