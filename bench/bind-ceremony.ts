/**
 * Bind ceremony throughput and latency: GET link + :getInfo + :bind with real
 * ES256 proofs made ahead of time, at 1, 16 and 64 concurrent clients (undici
 * keep-alive pool, one connection per client). The local cloud runs as the real
 * system (startSystem, its own process group: the cloud's CLOUD_WORKERS HTTP
 * processes, two on a 2-core machine, and the app); the reference responder
 * (bench/reference-responder.ts) is one Node process, the ceiling of one
 * process that the issue names, which the cloud may pass by using the second
 * core. Both are measured in the same run, alternating, and reported as
 * ratios; a run with any failed ceremony stops the bench rather than report
 * rates of failures. Also prints the pure limit (ES256 verify + one WAL commit
 * per second, single thread).
 */
import Database from 'better-sqlite3';
import { createPublicKey, verify } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCloudConfig } from '../server/cloud/config';
import {
  forEachConcurrent, jsonRequest, latencyStats, managementApi, pool, proof, removeDir, requireNoFailures, round, spawnServer,
  startBindery, tempDir, writeResult,
} from './lib';

export interface Ceremony {
  link: string; // path + query of the binding link
  token: string;
  jobPath: string;
  raw: string; // the proof JWT
}

export const LEVELS = [
  // Enough samples that p99 is not just the third-worst ceremony.
  { clients: 1, ceremonies: 1000 },
  { clients: 16, ceremonies: 1600 },
  { clients: 64, ceremonies: 3200 },
];
const WARMUP = 200;

export async function toCeremonies(items: { link: string; sub: string }[]): Promise<Ceremony[]> {
  const out: Ceremony[] = [];
  for (const item of items) {
    const url = new URL(item.link, 'http://x');
    const token = url.searchParams.get('token')!;
    out.push({ link: url.pathname + url.search, token, jobPath: url.pathname.replace(/:invokeAuthenticator$/, ''), raw: await proof(token, item.sub) });
  }
  return out;
}

/** Runs the ceremonies with `clients` concurrent clients; latency per ceremony and the rate. */
export async function runCeremonies(baseUrl: string, origin: string, items: Ceremony[], clients: number) {
  const client = pool(baseUrl, clients);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await forEachConcurrent(items.length, clients, async (i) => {
    const c = items[i]!;
    const t0 = performance.now();
    const link = await jsonRequest(client, 'GET', c.link, { accept: 'application/json', origin });
    const auth = { authorization: `Bearer ${c.token}`, origin };
    const info = await jsonRequest(client, 'POST', `${c.jobPath}:getInfo`, auth);
    const bound = await jsonRequest(client, 'POST', `${c.jobPath}:bind`, auth, { type: 'JWT', raw: c.raw });
    latencies.push(performance.now() - t0);
    if (link.status !== 200 || info.status !== 200 || bound.status !== 200) {
      if (errors++ === 0) console.error(`[bind] first error: ${link.status} ${info.status} ${bound.status} ${JSON.stringify(bound.body)}`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  return { clients, ...latencyStats(latencies), ceremonies_per_s: round(items.length / seconds, 1), errors };
}

/** Single thread, no HTTP: ES256 verify/s, WAL commit/s, and one of each per second. */
export async function pureLimit(durationMs = 1500) {
  const proofs = await Promise.all(Array.from({ length: 64 }, (_, i) => proof(`t${i}`, 'sub')));
  const dir = tempDir('bench-pure-');
  const db = new Database(path.join(dir, 'pure.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE c (id INTEGER PRIMARY KEY, jwk TEXT)');
  const insert = db.prepare('INSERT INTO c (jwk) VALUES (?)');
  const commit = db.transaction((jwk: string) => insert.run(jwk));
  const verifyOne = (raw: string) => {
    const [h, p, s] = raw.split('.') as [string, string, string];
    const { jwk } = JSON.parse(Buffer.from(h, 'base64url').toString());
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
    if (!verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))) throw new Error('bad');
    return jwk.x as string;
  };
  const rate = (fn: (i: number) => void) => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < durationMs) fn(n++);
    return round(n / ((performance.now() - t0) / 1000), 0);
  };
  const result = {
    es256_verify_per_s: rate((i) => verifyOne(proofs[i % 64]!)),
    wal_commit_per_s: rate((i) => commit(`jwk${i}`)),
    verify_plus_commit_per_s: rate((i) => commit(verifyOne(proofs[i % 64]!))),
  };
  db.close();
  removeDir(dir);
  return result;
}

export async function main(): Promise<Record<string, unknown>> {
  const total = WARMUP + LEVELS.reduce((n, l) => n + l.ceremonies, 0);
  const system = await startBindery();
  const reference = await spawnServer('reference-responder.ts');
  try {
    const api = managementApi(system);
    const appOrigin = system.appUrl;
    console.log(`[bind] preparing ${total} RETURN jobs (one identity each) and proofs on both servers…`);
    const cloudItems: { link: string; sub: string }[] = [];
    await forEachConcurrent(total, 8, async (i) => {
      const identityId = await api.createIdentity(`bench${i}`);
      const job = await api.createJob(identityId);
      cloudItems[i] = { link: job.credential_binding_link!, sub: `CN=${identityId}, OU=${api.tenant.realm_id}, O=${api.tenant.tenant_id}` };
    });
    await api.close();
    const refClient = pool(reference.url, 1);
    const refItems = (await jsonRequest(refClient, 'POST', '/seed', {}, { n: total })).body as { link: string; sub: string }[];
    await refClient.close();
    const cloud = await toCeremonies(cloudItems);
    const ref = await toCeremonies(refItems);

    const take = (list: Ceremony[], n: number) => list.splice(0, n);
    await runCeremonies(system.cloudUrl, appOrigin, take(cloud, WARMUP), 16);
    await runCeremonies(reference.url, appOrigin, take(ref, WARMUP), 16);

    const levels = [];
    for (const [index, level] of LEVELS.entries()) {
      // Alternate which goes first, so drift in machine noise does not favour one side.
      const runCloud = () => runCeremonies(system.cloudUrl, appOrigin, take(cloud, level.ceremonies), level.clients);
      const runRef = () => runCeremonies(reference.url, appOrigin, take(ref, level.ceremonies), level.clients);
      let c, r;
      if (index % 2 === 0) { c = await runCloud(); r = await runRef(); } else { r = await runRef(); c = await runCloud(); }
      const row = { clients: level.clients, cloud: c, reference: r, rate_ratio: round(c.ceremonies_per_s / r.ceremonies_per_s, 3), p99_ratio: round(c.p99_ms / r.p99_ms, 2) };
      console.log(
        `[bind] ${String(level.clients).padStart(2)} clients: cloud ${c.ceremonies_per_s}/s p50 ${c.p50_ms} p99 ${c.p99_ms} ms | ` +
          `reference ${r.ceremonies_per_s}/s p50 ${r.p50_ms} p99 ${r.p99_ms} ms | rate ratio ${row.rate_ratio} (errors ${c.errors}/${r.errors})`,
      );
      requireNoFailures(`the cloud at ${level.clients} clients`, c);
      requireNoFailures(`the reference at ${level.clients} clients`, r);
      levels.push(row);
    }
    const pure = await pureLimit();
    console.log(`[bind] pure limit (1 thread): ES256 verify ${pure.es256_verify_per_s}/s, WAL commit ${pure.wal_commit_per_s}/s, verify+commit ${pure.verify_plus_commit_per_s}/s`);
    const at64 = levels.find((l) => l.clients === 64)!;
    const at1 = levels.find((l) => l.clients === 1)!;
    const targets = {
      rate_at_64_vs_reference: { target: '>= 0.60', value: at64.rate_ratio, met: at64.rate_ratio >= 0.6 },
      one_client_p99_ms: { target: '< 10', value: at1.cloud.p99_ms, met: at1.cloud.p99_ms < 10 },
    };
    const result = {
      setup: `cloud = real system via startSystem (${readCloudConfig().workers} cloud HTTP processes, and the app); reference = bench/reference-responder.ts (one Node process); client = undici Pool in the bench process; all on 127.0.0.1; Origin header sent as the SDK does`,
      warmup_ceremonies_each: WARMUP,
      levels,
      pure_limit: { ...pure, cloud_at_64_vs_pure: round(at64.cloud.ceremonies_per_s / pure.verify_plus_commit_per_s, 3) },
      targets,
    };
    writeResult('bind-ceremony', result);
    return result;
  } finally {
    await reference.stop();
    await system.stop();
    removeDir(system.dataDir);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
}
