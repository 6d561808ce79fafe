/**
 * `npm run bench:profile -- bind|jobs`: runs one workload against the real
 * system started under `node --cpu-prof`, then prints where the cloud spent
 * its CPU (self time by function and by package). This is how a missed
 * target is traced to its cause before anything is changed.
 */
import { readFileSync } from 'node:fs';
import { WebSocket } from 'undici';
import { startSystem } from '../scripts/support/system';
import { runCeremonies, toCeremonies } from './bind-ceremony';
import { forEachConcurrent, jsonRequest, managementApi, pool, removeDir, ROOT } from './lib';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

async function main(): Promise<void> {
  const workload = process.argv[2] ?? 'bind';
  const system = await startSystem({
    root: ROOT,
    command: ['node', '--inspect=127.0.0.1:0', '--import', 'tsx', 'scripts/start.ts'],
    // One process, so that the profile sees all of the serving.
    env: { NODE_ENV: 'production', CLOUD_WORKERS: '1' },
    timeoutMs: 90_000,
  });
  let profile: Profile;
  try {
    const inspector = await connectInspector(readFileSync(system.logPath, 'utf8'));
    const api = managementApi(system);
    if (workload === 'bind') {
      const n = 3000;
      const items: { link: string; sub: string }[] = [];
      await forEachConcurrent(n, 8, async (i) => {
        const identityId = await api.createIdentity(`p${i}`);
        const job = await api.createJob(identityId);
        items[i] = { link: job.credential_binding_link!, sub: `CN=${identityId}, OU=${api.tenant.realm_id}, O=${api.tenant.tenant_id}` };
      });
      const ceremonies = await toCeremonies(items);
      await inspector.send('Profiler.enable');
      await inspector.send('Profiler.start');
      console.log(await runCeremonies(system.cloudUrl, system.appUrl, ceremonies, 64));
    } else {
      const identityId = await api.createIdentity('p0');
      const client = pool(system.cloudUrl, 64);
      await inspector.send('Profiler.enable');
      await inspector.send('Profiler.start');
      const t0 = performance.now();
      await forEachConcurrent(20_000, 64, async () => {
        const r = await jsonRequest(client, 'POST', `${api.realmPath}/identities/${identityId}/credential-binding-jobs`, api.auth, {
          job: { delivery_method: 'RETURN', authenticator_config_id: api.tenant.app.authenticator_config_id },
        });
        if (r.status !== 200) throw new Error(String(r.status));
      });
      console.log(`jobs: ${Math.round(20_000 / ((performance.now() - t0) / 1000))}/s`);
      await client.close();
    }
    profile = ((await inspector.send('Profiler.stop')) as { profile: Profile }).profile;
    inspector.close();
    await api.close();
  } finally {
    await system.stop();
    removeDir(system.dataDir);
  }
  report(profile);
}

/** A minimal Chrome DevTools Protocol client for the inspector URL the child printed. */
async function connectInspector(log: string) {
  const url = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(log)?.[0];
  if (!url) throw new Error('the system did not print an inspector URL');
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  let next = 1;
  const pending = new Map<number, (result: unknown) => void>();
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id) pending.get(message.id)?.(message.result);
  };
  return {
    send(method: string, params: object = {}): Promise<unknown> {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve) => pending.set(id, resolve));
    },
    close: () => ws.close(),
  };
}

function report(profile: Profile): void {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const node of profile.nodes) {
    const t = self.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
    const key = `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? (where.startsWith('node:') ? 'node' : where ? where.split('/').slice(0, 2).join('/') : functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
  }
  // Inclusive time of the project's own functions: self time of the node and
  // everything under it, counted once per function on each stack.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const inclusive = new Map<string, number>();
  const focus = process.env.FOCUS; // e.g. FOCUS=bind: where the time under that function goes
  const underFocus = new Map<string, number>();
  for (const [id, t] of self) {
    if (focus) {
      let on = false;
      for (let at: number | undefined = id; at !== undefined && !on; at = parent.get(at)) on = byId.get(at)!.callFrame.functionName === focus;
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const key = `${functionName || '(anonymous)'} ${url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '')}:${lineNumber + 1}`;
      if (on) underFocus.set(key, (underFocus.get(key) ?? 0) + t);
    }
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      if (!url.includes('/server/')) continue;
      const key = `${functionName || '(anonymous)'} ${url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '')}:${lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + t);
    }
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`\nSelf time by package:\n${top(byPkg, 25)}\n\nSelf time by function:\n${top(byFn, 40)}\n\nInclusive time, server code:\n${top(inclusive, 40)}`);
  if (focus) console.log(`\nSelf time under ${focus}:\n${top(underFocus, 30)}`);
}

main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
