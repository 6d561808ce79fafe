/* eslint-disable @typescript-eslint/no-explicit-any -- benchmark result shapes are loose JSON */
/**
 * Scaling: the same API figures with 0 (reference), 10k and 100k identities and
 * binding jobs (a quarter of them bound, with a credential) in the database. A fresh DATA_DIR is made once by starting and
 * stopping the real system; each size gets a copy, seeded directly with
 * better-sqlite3 in one transaction. All three systems then run at once (each its
 * own process group via startSystem), and every figure is measured on each size
 * in turn in the same run, reported as a ratio to the empty database. Prints
 * EXPLAIN QUERY PLAN for the list/filter queries, built from the SELECTs the
 * repositories run (server/cloud/identities and binding-jobs), not copies.
 */
import Database from 'better-sqlite3';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { JOB_SELECT } from '../server/cloud/binding-jobs/repository';
import { foldIdentityJobs, jobSeqsOfIdentity } from '../server/cloud/db/identity-jobs';
import { IDENTITY_SELECT } from '../server/cloud/identities/repository';
import { hashSecret, newId, newSecret, newTimeOrderedId } from '../server/lib/ids';
import type { RunningSystem } from '../scripts/support/system';
import { runCeremonies, toCeremonies } from './bind-ceremony';
import { cannon, jobRequests } from './job-creation';
import { forEachConcurrent, jsonRequest, latencyStats, managementApi, removeDir, requireNoFailures, round, startBindery, tempDir, writeResult } from './lib';

const SIZES = [0, 10_000, 100_000];
const PLANS: Record<string, string> = {
  'identities list page': `${IDENTITY_SELECT} WHERE i.realm_id = ? AND i.rowid > ? ORDER BY i.rowid LIMIT ? OFFSET ?`,
  'identities list count': `SELECT count(*) FROM identities i WHERE i.realm_id = ?`,
  'identities filter username': `${IDENTITY_SELECT} WHERE i.realm_id = ? AND i.username_key = ? AND i.rowid > ? ORDER BY i.rowid LIMIT ? OFFSET ?`,
  'identities filter email': `${IDENTITY_SELECT} WHERE i.realm_id = ? AND i.email = ? COLLATE NOCASE AND i.rowid > ? ORDER BY i.rowid LIMIT ? OFFSET ?`,
  'jobs of one identity': `${JOB_SELECT} WHERE realm_id = ? AND rowid IN (${jobSeqsOfIdentity('?')}) AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`,
  'jobs realm filter state=LINK_SENT page': `${JOB_SELECT} WHERE realm_id = ? AND (state = ? AND expire_time > @now) AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`,
  'jobs realm filter state=LINK_SENT count': `SELECT count(*) FROM binding_jobs WHERE realm_id = ? AND (state = ? AND expire_time > @now)`,
  'job of a binding link': `${JOB_SELECT} WHERE id = ?`,
  // What deleting an identity makes SQLite look up: its jobs (the identities_take_jobs trigger,
  // migration 16), and for its foreign keys (cascade, or the check that no job still names a
  // deleted credential). Each must be an index search, not a scan.
  'delete identity: its binding jobs': `SELECT 1 FROM binding_jobs WHERE seq IN (${jobSeqsOfIdentity('?')})`,
  'delete identity: its credentials': `SELECT 1 FROM credentials WHERE identity_id = ?`,
  'delete identity: jobs naming its credential': `SELECT 1 FROM binding_jobs WHERE credential_id = ?`,
};

/** Seeds `n` identities with one job each; returns the identities' ids. */
function seed(dataDir: string, n: number): string[] {
  const tenant = JSON.parse(readFileSync(path.join(dataDir, 'dev-tenant.json'), 'utf8'));
  const db = new Database(path.join(dataDir, 'cloud.sqlite'));
  const identity = db.prepare(`INSERT INTO identities (id, tenant_id, realm_id, display_name, status, traits_json, username, username_key, email, create_time, update_time)
    VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?)`);
  const job = db.prepare(`INSERT INTO binding_jobs (id, tenant_id, realm_id, identity_id, delivery_method, state, credential_id, authenticator_config_id, token_hash, expire_time, create_time, update_time)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const credential = db.prepare(`INSERT INTO credentials (id, tenant_id, realm_id, identity_id, state, csr_type, jwk_json, jwk_thumbprint, create_time, update_time)
    VALUES (?, ?, ?, ?, 'ACTIVE', 'JWT', '{}', ?, ?, ?)`);
  const ids: string[] = [];
  const now = new Date().toISOString();
  const expire = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const states = ['LINK_SENT', 'LINK_SENT', 'LINK_OPENED', 'REVOKED', 'FAILED_TO_SEND'];
  const bound = (i: number) => i % 4 === 3;
  // Job ids as the cloud makes them (time-ordered), one millisecond apart so none repeats.
  const start = Date.now() - n;
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = newId();
      ids.push(id);
      const username = `seed${i}`;
      identity.run(id, tenant.tenant_id, tenant.realm_id, `Seed ${i}`, JSON.stringify({ type: 'traits_v0', username, primary_email_address: `${username}@example.com` }),
        username, username, `${username}@example.com`, now, now);
      const credentialId = bound(i) ? newId() : null;
      if (credentialId) credential.run(credentialId, tenant.tenant_id, tenant.realm_id, id, newSecret(32), now, now);
      job.run(newTimeOrderedId(start + i), tenant.tenant_id, tenant.realm_id, id, i % 2 ? 'EMAIL' : 'RETURN', credentialId ? 'COMPLETE' : states[i % states.length],
        credentialId, tenant.app.authenticator_config_id, hashSecret(newSecret(48)), expire, now, now);
    }
  })();
  // As the running cloud's checkpointer thread would, within a second or two of its start.
  while (foldIdentityJobs(db) > 0);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return ids;
}

function queryPlans(dataDir: string): Record<string, string[]> {
  const db = new Database(path.join(dataDir, 'cloud.sqlite'), { readonly: true });
  const out: Record<string, string[]> = {};
  for (const [name, sql] of Object.entries(PLANS)) {
    const positional = (sql.match(/\?/g) ?? []).length;
    const named: Record<string, string> = {};
    if (sql.includes('@now')) named.now = new Date().toISOString();
    const args = [...(Object.keys(named).length ? [named] : []), ...Array.from({ length: positional }, () => 'x')];
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[];
    out[name] = rows.map((r) => r.detail);
  }
  db.close();
  return out;
}

/** One request at a time to each path (a DELETE takes the identity with its credential and job). */
async function requestLatency(system: RunningSystem, paths: string[], method: 'GET' | 'DELETE' = 'GET'): Promise<ReturnType<typeof latencyStats>> {
  const api = managementApi(system, 1);
  const latencies: number[] = [];
  for (const p of paths) {
    const t0 = performance.now();
    const r = await jsonRequest(api.client, method, p, api.auth);
    latencies.push(performance.now() - t0);
    if (r.status !== 200) throw new Error(`${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await api.close();
  return latencyStats(latencies);
}

export async function main(): Promise<Record<string, unknown>> {
  const template = await startBindery();
  await template.stop();
  const systems: { size: number; system: RunningSystem; seeded: string[] }[] = [];
  try {
    const plans: Record<number, Record<string, string[]>> = {};
    for (const size of SIZES) {
      const dir = tempDir(`bindery-scale-${size}-`);
      cpSync(template.dataDir, dir, { recursive: true });
      const t0 = performance.now();
      const seeded = seed(dir, size);
      console.log(`[scale] seeded ${size} identities + ${size} jobs in ${Math.round(performance.now() - t0)} ms`);
      plans[size] = queryPlans(dir);
      systems.push({ size, seeded, system: await startBindery({ dataDir: dir }) });
    }
    console.log(`[scale] EXPLAIN QUERY PLAN at ${SIZES.at(-1)} rows:`);
    for (const [name, lines] of Object.entries(plans[SIZES.at(-1)!]!)) console.log(`  ${name}:\n    ${lines.join('\n    ')}`);

    const figures: Record<number, Record<string, unknown>> = {};
    for (const { size } of systems) figures[size] = {};
    // Job creation, 64 connections, 3 s each, size after size.
    for (const { size, system } of systems) {
      const next = await jobRequests(system, 200, 'scale');
      await cannon(system.cloudUrl, 1, next);
      const jobs = await cannon(system.cloudUrl, 3, next);
      requireNoFailures(`job creation at ${size} rows`, jobs);
      figures[size]!.job_creation = jobs;
    }
    // Lists and filters, 200 sequential GETs each.
    for (const { size, system } of systems) {
      const t = system.tenant();
      const realm = `/v1/tenants/${t.tenant_id}/realms/${t.realm_id}`;
      const n = 200;
      const user = (i: number) => `seed${(i * 7919) % Math.max(size, 1)}`;
      figures[size]!.list_identities_page = await requestLatency(system, Array.from({ length: n }, () => `${realm}/identities?page_size=50`));
      figures[size]!.filter_identities_username = await requestLatency(system, Array.from({ length: n }, (_, i) => `${realm}/identities?filter=${encodeURIComponent(`username eq "${user(i)}"`)}`));
      figures[size]!.list_jobs_realm_state = await requestLatency(system, Array.from({ length: n }, () => `${realm}/identities/-/credential-binding-jobs?page_size=50&filter=${encodeURIComponent('state eq "LINK_SENT"')}`));
    }
    // Deleting identities that hold a bound credential (each takes its credential and job along),
    // 100 sequential DELETEs each; on the empty database, identities made here the same way.
    for (const { size, system, seeded } of systems) {
      const t = system.tenant();
      const realm = `/v1/tenants/${t.tenant_id}/realms/${t.realm_id}`;
      let victims = seeded.filter((_, i) => i % 4 === 3).slice(0, 100);
      if (victims.length < 100) {
        const api = managementApi(system);
        victims = [];
        await forEachConcurrent(100, 8, async (i) => {
          victims[i] = await api.createIdentity(`gone${i}`);
        });
        await api.close();
      }
      figures[size]!.delete_identity = await requestLatency(system, victims.map((id) => `${realm}/identities/${id}`), 'DELETE');
    }
    // Bind ceremonies, 16 clients, 300 each.
    for (const { size, system } of systems) {
      const api = managementApi(system);
      const items: { link: string; sub: string }[] = [];
      await forEachConcurrent(300, 8, async (i) => {
        const id = await api.createIdentity(`bind${i}`);
        const job = await api.createJob(id);
        items[i] = { link: job.credential_binding_link!, sub: `CN=${id}, OU=${api.tenant.realm_id}, O=${api.tenant.tenant_id}` };
      });
      await api.close();
      const ceremonies = await toCeremonies(items);
      await runCeremonies(system.cloudUrl, system.appUrl, ceremonies.splice(0, 50), 16);
      const bind = await runCeremonies(system.cloudUrl, system.appUrl, ceremonies, 16);
      requireNoFailures(`binding at ${size} rows`, bind);
      figures[size]!.bind_16_clients = bind;
    }

    const base = figures[0]! as Record<string, any>;
    const ratios: Record<number, Record<string, number>> = {};
    for (const size of SIZES) {
      const f = figures[size]! as Record<string, any>;
      ratios[size] = {
        job_creation_rate: round(f.job_creation.req_per_s / base.job_creation.req_per_s, 3),
        job_creation_p99: round(f.job_creation.p99_ms / base.job_creation.p99_ms, 2),
        list_identities_p99: round(f.list_identities_page.p99_ms / base.list_identities_page.p99_ms, 2),
        filter_username_p99: round(f.filter_identities_username.p99_ms / base.filter_identities_username.p99_ms, 2),
        list_jobs_state_p99: round(f.list_jobs_realm_state.p99_ms / base.list_jobs_realm_state.p99_ms, 2),
        delete_identity_p99: round(f.delete_identity.p99_ms / base.delete_identity.p99_ms, 2),
        bind_rate: round(f.bind_16_clients.ceremonies_per_s / base.bind_16_clients.ceremonies_per_s, 3),
      };
      console.log(
        `[scale] ${String(size).padStart(6)} rows: jobs ${f.job_creation.req_per_s}/s p99 ${f.job_creation.p99_ms} ms | list ids p50 ${f.list_identities_page.p50_ms} p99 ${f.list_identities_page.p99_ms} | ` +
          `filter username p99 ${f.filter_identities_username.p99_ms} | list jobs by state p99 ${f.list_jobs_realm_state.p99_ms} | ` +
          `delete identity p50 ${f.delete_identity.p50_ms} p99 ${f.delete_identity.p99_ms} | bind@16 ${f.bind_16_clients.ceremonies_per_s}/s p99 ${f.bind_16_clients.p99_ms} ms`,
      );
    }
    const scans = Object.entries(plans[SIZES.at(-1)!]!).filter(([, lines]) => lines.some((l) => /^SCAN (i|identities|binding_jobs|credentials)\b(?!.*USING)/.test(l)));
    const result = {
      setup: 'one fresh DATA_DIR copied per size and seeded with N identities + N binding jobs (one transaction); three real systems (startSystem) running at once, each figure measured size after size in the same run; ratios are to the 0-row database',
      figures,
      ratios_to_empty: ratios,
      query_plans: plans[SIZES.at(-1)!],
      full_table_scans: scans.map(([name]) => name),
    };
    writeResult('scaling', result);
    return result;
  } finally {
    for (const { system } of systems) {
      await system.stop();
      removeDir(system.dataDir);
    }
    removeDir(template.dataDir);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
}
