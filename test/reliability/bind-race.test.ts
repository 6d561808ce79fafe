/**
 * Issue 7: 200 concurrent `:bind` calls on one binding link, over real
 * sockets, against the whole system started as `npx tsx scripts/start.ts`.
 * Exactly one may create a credential; the others are 409 `conflict`. Checked
 * through the API and in the SQLite file itself.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevTenant } from '../../contracts/dev-tenant';
import { startSystem, type RunningSystem } from '../../scripts/support/system';
import { http, identityBody, realmUrl, splitLink } from './support/http';
import { bindingProof, proofSubject } from './support/proof';

const root = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;
let system: RunningSystem | undefined;
let tenant: DevTenant;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-race-'));
  system = await startSystem({ root, command: ['npx', 'tsx', 'scripts/start.ts'], dataDir });
  tenant = system.tenant();
}, 120_000);

afterAll(async () => {
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A new identity with a RETURN job; its link, and proofs for `count` racing binds, made in advance. */
async function returnJobWithProofs(username: string, count: number) {
  const realm = realmUrl(tenant);
  const token = tenant.management.api_token;
  const identity = await http(`${realm}/identities`, { method: 'POST', token, json: identityBody(username) });
  expect(identity.status).toBe(200);
  const job = await http(`${realm}/identities/${identity.body.id}/credential-binding-jobs`, {
    method: 'POST',
    token,
    json: { job: { delivery_method: 'RETURN', authenticator_config_id: tenant.app.authenticator_config_id } },
  });
  expect(job.status).toBe(200);
  const link = splitLink(job.body.credential_binding_link);
  const sub = proofSubject({ identity_id: identity.body.id, realm_id: tenant.realm_id, tenant_id: tenant.tenant_id });
  const proofs = await Promise.all(Array.from({ length: count }, () => bindingProof(link.token, sub)));
  return { identityId: identity.body.id as string, jobId: job.body.credential_binding_job.id as string, ...link, proofs };
}

/** All the binds at once, each on its own request; resolves with every answer. */
function raceBinds(jobUrl: string, token: string, proofs: string[]) {
  return Promise.all(
    proofs.map((raw) =>
      http(`${jobUrl}:bind`, { method: 'POST', token, json: { type: 'JWT', raw } }, 60_000),
    ),
  );
}

/** What the database file says about one job and its identity's credentials. */
function stored(jobId: string, identityId: string) {
  const db = new Database(path.join(dataDir, 'cloud.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return {
      job: db.prepare('SELECT state, credential_id, token_used_time FROM binding_jobs WHERE id = ?').get(jobId) as {
        state: string;
        credential_id: string | null;
        token_used_time: string | null;
      },
      credentials: db.prepare('SELECT id, state FROM credentials WHERE identity_id = ?').all(identityId) as { id: string; state: string }[],
      created: db
        .prepare(`SELECT count(*) FROM audit_events WHERE action = 'credential.create' AND identity_id = ?`)
        .pluck()
        .get(identityId) as number,
    };
  } finally {
    db.close();
  }
}

describe('concurrent binds over real sockets', () => {
  it('lets exactly one of 200 concurrent :bind calls on one link create a credential', async () => {
    const { identityId, jobId, jobUrl, token, proofs } = await returnJobWithProofs('racer', 200);
    const answers = await raceBinds(jobUrl, token, proofs);

    const statuses = answers.map((a) => a.status);
    const counts = Object.fromEntries([...new Set(statuses)].map((s) => [s, statuses.filter((x) => x === s).length]));
    console.log(`200 concurrent binds on one link: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ 200: 1, 409: 199 });
    const winner = answers.find((a) => a.status === 200)!.body;
    expect(winner.state).toBe('ACTIVE');
    for (const loser of answers.filter((a) => a.status === 409)) {
      expect(loser.body).toMatchObject({ code: 'conflict', message: 'credential binding link has already been used' });
    }

    // The API: one ACTIVE credential, the job COMPLETE and pointing at it.
    const realm = realmUrl(tenant);
    const api = tenant.management.api_token;
    const credentials = await http(`${realm}/identities/${identityId}/credentials`, { token: api });
    expect(credentials.body.total_size).toBe(1);
    expect(credentials.body.credentials).toEqual([expect.objectContaining({ id: winner.id, state: 'ACTIVE' })]);
    const job = await http(`${realm}/identities/${identityId}/credential-binding-jobs/${jobId}`, { token: api });
    expect(job.body).toMatchObject({ state: 'COMPLETE', credential_id: winner.id });

    // The file: the same, and exactly one credential.create in the audit log.
    const row = stored(jobId, identityId);
    expect(row.credentials).toEqual([{ id: winner.id, state: 'ACTIVE' }]);
    expect(row.job).toMatchObject({ state: 'COMPLETE', credential_id: winner.id, token_used_time: expect.any(String) });
    expect(row.created).toBe(1);

    // And the link stays used up.
    const [late] = await raceBinds(jobUrl, token, [await bindingProof(token, proofSubject({ identity_id: identityId, realm_id: tenant.realm_id, tenant_id: tenant.tenant_id }))]);
    expect(late!.status).toBe(409);
  }, 120_000);

  it('keeps races on 20 links apart: 20 concurrent binds on each, all at once, one credential per link', async () => {
    const jobs = await Promise.all(Array.from({ length: 20 }, (_, i) => returnJobWithProofs(`multi${i}`, 20)));
    const results = await Promise.all(jobs.map((job) => raceBinds(job.jobUrl, job.token, job.proofs)));
    for (const [i, answers] of results.entries()) {
      const job = jobs[i]!;
      expect(answers.map((a) => a.status).sort(), `link ${i}`).toEqual([200, ...Array<number>(19).fill(409)]);
      const winner = answers.find((a) => a.status === 200)!.body.id as string;
      const row = stored(job.jobId, job.identityId);
      expect(row.credentials).toEqual([{ id: winner, state: 'ACTIVE' }]);
      expect(row.job).toMatchObject({ state: 'COMPLETE', credential_id: winner });
    }
  }, 120_000);
});
