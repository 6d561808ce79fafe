import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudWorkers, startSystem, type RunningSystem } from './support/system';

const root = fileURLToPath(new URL('..', import.meta.url));
let system: RunningSystem | undefined;

afterEach(async () => {
  await system?.stop();
  if (system) rmSync(system.dataDir, { recursive: true, force: true });
  system = undefined;
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

async function api(s: RunningSystem) {
  const tenant = s.tenant();
  const realm = `${s.cloudUrl}/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}`;
  const headers = { authorization: `Bearer ${tenant.management.api_token}`, 'content-type': 'application/json' };
  return {
    async emailJob(username: string): Promise<number> {
      const identity = await fetch(`${realm}/identities`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ identity: { display_name: username, traits: { type: 'traits_v0', username, primary_email_address: `${username}@example.com` } } }),
      });
      const { id } = (await identity.json()) as { id: string };
      const job = await fetch(`${realm}/identities/${id}/credential-binding-jobs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ job: { delivery_method: 'EMAIL', authenticator_config_id: tenant.app.authenticator_config_id } }),
      });
      return job.status;
    },
    async inbox(): Promise<string[]> {
      const response = await fetch(`${s.cloudUrl}/inbox/messages`);
      return ((await response.json()) as { messages: { to: string[] }[] }).messages.flatMap((m) => m.to);
    },
  };
}

const start = (workers: number) =>
  startSystem({ root, command: ['node', '--import', 'tsx', 'scripts/start.ts'], env: { CLOUD_WORKERS: String(workers) } });

/** CLOUD_WORKERS: the cloud's port served by several processes over one database. */
describe('cloud HTTP workers', () => {
  it('serve the API together; mail queued in any of them is sent by the primary and readable in the inbox', async () => {
    system = await start(2);
    expect(system.tail()).toContain('2 HTTP processes');
    expect(cloudWorkers(system.pid)).toHaveLength(2);
    const cloud = await api(system);
    // Several connections, so the cluster spreads them over both workers.
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => cloud.emailJob(`w${i}`)));
    expect(statuses).toEqual(Array(8).fill(200));
    const inbox = await until(() => cloud.inbox(), (to) => to.length >= 8);
    expect(inbox.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `w${i}@example.com`).sort());

    // SIGTERM to the whole process group (as Ctrl-C, a container stop or startSystem send it):
    // the workers wait for the primary, which stops them in order; none is replaced meanwhile.
    const workers = cloudWorkers(system.pid);
    const stopped = await system.stop();
    expect(stopped.forced).toBe(false);
    expect(system.tail()).toMatch(/SIGTERM: shutting down/);
    expect(system.tail()).not.toMatch(/cloud worker died|channel error/);
    expect(workers.filter(alive)).toEqual([]);
    // Stopped here already: only its data is left for afterEach's part.
    rmSync(system.dataDir, { recursive: true, force: true });
    system = undefined;
  }, 120_000);

  it('replace a worker that dies, and leave none behind when the primary is killed', async () => {
    system = await start(2);
    const [first] = cloudWorkers(system.pid);
    // A signal to the group reaches workers too; they leave stopping to the primary.
    process.kill(first!, 'SIGTERM');
    await sleep(1_000);
    expect(alive(first!)).toBe(true);
    process.kill(first!, 'SIGKILL');
    const replaced = await until(() => cloudWorkers(system!.pid), (pids) => pids.length === 2 && !pids.includes(first!));
    expect(replaced).toHaveLength(2);
    expect(await (await api(system)).emailJob('after-crash')).toBe(200);

    process.kill(system.pid, 'SIGKILL');
    const left = await until(() => replaced.filter(alive), (pids) => pids.length === 0);
    expect(left).toEqual([]);
  }, 120_000);
});
