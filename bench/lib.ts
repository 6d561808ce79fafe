/* eslint-disable @typescript-eslint/no-explicit-any -- benchmark result shapes are loose JSON */
/**
 * Shared helpers for the benchmarks: starting the real system (one child process
 * group on free loopback ports, temp DATA_DIR), spawning bench-only servers, the
 * undici client, ES256 proofs, percentiles, and writing results.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Pool } from 'undici';
import { startSystem, type RunningSystem } from '../scripts/support/system';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = path.join(ROOT, 'bench', 'results');

export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

export function writeResult(name: string, data: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.json`);
  writeFileSync(file, JSON.stringify({ bench: name, machine: machine(), ...(data as object) }, null, 2) + '\n');
  console.log(`[bench] wrote ${path.relative(ROOT, file)}`);
  return file;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function latencyStats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50_ms: r(percentile(s, 50)), p99_ms: r(percentile(s, 99)), max_ms: r(s[s.length - 1] ?? NaN) };
}

/** Stops the bench when a run had failures: rates of failed requests would flatter whoever failed. */
export function requireNoFailures(what: string, figure: { non2xx?: number; errors: number }): void {
  const failed = (figure.non2xx ?? 0) + figure.errors;
  if (failed > 0) throw new Error(`${what}: ${failed} failed (non-2xx answers, errors or failed ceremonies)`);
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The real system (the cloud's CLOUD_WORKERS processes and the app) via startSystem, with a temp DATA_DIR unless given. */
export async function startBindery(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<RunningSystem> {
  const system = await startSystem({
    root: ROOT,
    command: ['node', '--import', 'tsx', 'scripts/start.ts'],
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    env: { NODE_ENV: 'production', ...options.env },
    timeoutMs: 90_000,
  });
  console.log(`[bench] system up: cloud ${system.cloudUrl} (pid ${system.pid}, data ${system.dataDir})`);
  return system;
}

/**
 * CPU seconds (user + system, every thread) used so far by `rootPid` and its
 * descendants, from /proc; undefined where there is no /proc. Read around a
 * load run, it says what each request cost the server, beside the client's
 * cost (`process.cpuUsage()`), which throughput alone hides on a shared machine.
 */
export function treeCpuSeconds(rootPid: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = new Map<number, { ppid: number; seconds: number }>();
  for (const name of entries) {
    try {
      // Fields after the parenthesised command name: state ppid … utime(12) stime(13), in clock ticks (100 Hz on Linux).
      const fields = readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ');
      stats.set(Number(name), { ppid: Number(fields[1]), seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // exited meanwhile
    }
  }
  if (!stats.has(rootPid)) return undefined;
  let total = 0;
  const tree = new Set([rootPid]);
  // Parents before children is not guaranteed by pid order, so repeat until nothing is added.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of stats) {
      if (!tree.has(pid) && tree.has(stat.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  for (const pid of tree) total += stats.get(pid)!.seconds;
  return total;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A bench-only server (tsx script) as its own child process; it prints
 * `LISTENING <port>` on stdout when ready. Stopped by its own PID.
 */
export async function spawnServer(script: string, env: Record<string, string> = {}): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^LISTENING (\d+)/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An undici keep-alive pool; the client costs far less than the server. */
export function pool(url: string, connections: number): Pool {
  return new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

export async function jsonRequest(
  client: Pool,
  method: 'GET' | 'POST' | 'DELETE',
  urlPath: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await client.request({
    method,
    path: urlPath,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
}

/** What the SDK sends to `:bind`: an ES256 JWT with the new public key in its header. */
export async function proof(token: string, sub: string): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return new SignJWT({ sub, token })
    .setProtectedHeader({ alg: 'ES256', jwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! } })
    .sign(privateKey);
}

/** Runs `task(i)` for i in [0, count) with `concurrency` workers. */
export async function forEachConcurrent(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        await task(i);
      }
    }),
  );
}

/** The management API of a running system, with the seeded token. */
export function managementApi(system: RunningSystem, connections = 16) {
  const tenant = system.tenant();
  const client = pool(system.cloudUrl, connections);
  const auth = { authorization: `Bearer ${tenant.management.api_token}` };
  const realmPath = `/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}`;
  return {
    tenant,
    client,
    auth,
    realmPath,
    async createIdentity(username: string): Promise<string> {
      const r = await jsonRequest(client, 'POST', `${realmPath}/identities`, auth, {
        identity: { display_name: `User ${username}`, traits: { type: 'traits_v0', username, primary_email_address: `${username}@example.com` } },
      });
      if (r.status !== 200) throw new Error(`create identity: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    async createJob(identityId: string, delivery: 'RETURN' | 'EMAIL' = 'RETURN') {
      const r = await jsonRequest(client, 'POST', `${realmPath}/identities/${identityId}/credential-binding-jobs`, auth, {
        job: { delivery_method: delivery, authenticator_config_id: tenant.app.authenticator_config_id },
      });
      if (r.status !== 200) throw new Error(`create job: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body as { credential_binding_job: { id: string }; credential_binding_link?: string };
    },
    close: () => client.close(),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
