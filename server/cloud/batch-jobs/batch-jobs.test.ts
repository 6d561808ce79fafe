import { beforeEach, describe, expect, it } from 'vitest';
import { createTestCloud, identityBody, type TestCloud } from '../test/harness';

const UNKNOWN_ID = '0123456789abcdef';

let t: TestCloud;
let batchesPath: string;
beforeEach(() => {
  t = createTestCloud();
  batchesPath = `${t.realmPath()}/batch-credential-binding-jobs`;
});

async function identity(username: string, email?: string | null): Promise<string> {
  const res = await t.post(`${t.realmPath()}/identities`, identityBody(username, { email }));
  expect(res.status).toBe(200);
  return res.body.id as string;
}

function batchBody(identityIds: string[], template: Record<string, unknown> = {}) {
  return {
    batch_credential_binding_job: {
      identity_ids: identityIds,
      job_template: { authenticator_config_id: t.tenant.app.authenticator_config_id, ...template },
    },
  };
}

const count = (table: string) => t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

function fields(body: { details: { field_violations: { field: string }[] }[] }): string[] {
  return body.details[0]!.field_violations.map((v) => v.field);
}

// The spec lists only 200/401/403/429/500 for CreateBatchCredentialBindingJob,
// so its 400 and 404 refusals cannot pass the conformance check.
const unlisted = { conformance: false } as const;

describe('CreateBatchCredentialBindingJob', () => {
  it('creates one EMAIL job per good identity and records per-identity errors (PARTIAL_SUCCESS)', async () => {
    const good1 = await identity('g1');
    const noEmail = await identity('ne', null);
    const good2 = await identity('g2');
    const ids = [good1, noEmail, UNKNOWN_ID, good2];
    const res = await t.post(batchesPath, batchBody(ids, { post_binding_redirect_uri: 'http://localhost:3000/welcome' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tenant_id: t.tenant.tenant_id,
      realm_id: t.tenant.realm_id,
      identity_ids: ids,
      state: 'PARTIAL_SUCCESS',
      job_template: { authenticator_config_id: t.tenant.app.authenticator_config_id, post_binding_redirect_uri: 'http://localhost:3000/welcome' },
    });
    expect(res.body.state_commentary.errors).toEqual({
      [noEmail]: { last_error: 'Identity missing email address', failed_permanently: true },
      [UNKNOWN_ID]: { last_error: 'identity not found', failed_permanently: true },
    });
    const batchId = res.body.id as string;
    expect(batchId).toMatch(/^[0-9a-f]{16}$/);

    const jobs = (await t.get(`${t.realmPath()}/identities/-/credential-binding-jobs`)).body.credential_binding_jobs;
    expect(jobs.map((j: { identity_id: string }) => j.identity_id)).toEqual([good1, good2]);
    for (const job of jobs) {
      expect(job).toMatchObject({ batch_id: batchId, delivery_method: 'EMAIL', state: 'LINK_SENT', post_binding_redirect_uri: 'http://localhost:3000/welcome' });
    }

    const got = await t.get(`${batchesPath}/${batchId}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('is SUCCESS when every identity gets a job and FAILED when none does', async () => {
    const ok = await t.post(batchesPath, batchBody([await identity('s1'), await identity('s2')]));
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('SUCCESS');
    expect(ok.body.state_commentary.errors).toEqual({});

    const noEmail = await identity('f1', null);
    const bad = await t.post(batchesPath, batchBody([noEmail, UNKNOWN_ID]));
    expect(bad.status).toBe(200);
    expect(bad.body.state).toBe('FAILED');
    expect(Object.keys(bad.body.state_commentary.errors).sort()).toEqual([noEmail, UNKNOWN_ID].sort());
    expect(count('binding_jobs')).toBe(2);
  });

  it('refuses more than 1000 identities and repeated ids with 400, writing nothing', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => i.toString(16).padStart(16, '0'));
    const tooMany = await t.post(batchesPath, batchBody(many), unlisted);
    expect(tooMany.status).toBe(400);
    expect(fields(tooMany.body)).toEqual(['batch_credential_binding_job.identity_ids']);

    const id = await identity('dup');
    const repeated = await t.post(batchesPath, batchBody([id, id]), unlisted);
    expect(repeated.status).toBe(400);
    expect(fields(repeated.body)).toEqual(['batch_credential_binding_job.identity_ids[1]']);
    expect(count('batch_jobs')).toBe(0);
    expect(count('binding_jobs')).toBe(0);
  });

  it('refuses an unknown authenticator config with 404 and writes nothing', async () => {
    const good = await identity('c1');
    for (const ids of [[good, UNKNOWN_ID], [UNKNOWN_ID]]) {
      const res = await t.post(batchesPath, batchBody(ids, { authenticator_config_id: 'fedcba9876543210' }), unlisted);
      expect(res.status, JSON.stringify(ids)).toBe(404);
      expect(res.body.details).toEqual([
        { type: 'ResourceInfo', resource_type: 'AuthenticatorConfig', id: 'fedcba9876543210', description: 'authenticator config not found' },
      ]);
    }
    expect(count('batch_jobs')).toBe(0);
    expect(count('binding_jobs')).toBe(0);
  });

  it('refuses a foreign post_binding_redirect_uri with 400 and writes nothing', async () => {
    const good = await identity('r1');
    for (const ids of [[good], [UNKNOWN_ID]]) {
      const res = await t.post(batchesPath, batchBody(ids, { post_binding_redirect_uri: 'https://evil.example/' }), unlisted);
      expect(res.status, JSON.stringify(ids)).toBe(400);
      expect(fields(res.body)).toEqual(['batch_credential_binding_job.job_template.post_binding_redirect_uri']);
    }
    expect(count('batch_jobs')).toBe(0);
    expect(count('binding_jobs')).toBe(0);
  });
});

describe("the realm's batch queue", () => {
  it('refuses a batch that would overfill it with 429, writing nothing; room comes back as emails go out', async () => {
    t = createTestCloud({ config: { batchQueueLimit: 3 } });
    batchesPath = `${t.realmPath()}/batch-credential-binding-jobs`;
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await identity(`q${i}`));
    // A single EMAIL job waits in the outbox too, but it is not in the batch queue.
    const single = await t.post(`${t.realmPath()}/identities/${ids[3]}/credential-binding-jobs`, {
      job: { delivery_method: 'EMAIL', authenticator_config_id: t.tenant.app.authenticator_config_id },
    });
    expect(single.status).toBe(200);

    expect((await t.post(batchesPath, batchBody([ids[0]!, ids[1]!]))).status).toBe(200);
    const before = { batches: count('batch_jobs'), jobs: count('binding_jobs'), outbox: count('outbox'), audit: count('audit_events') };

    const full = await t.post(batchesPath, batchBody([ids[2]!, ids[3]!]));
    expect(full.status).toBe(429);
    expect(full.body).toEqual({ code: 'too_many_requests', message: 'Maximum queue sized reached. Maximum: 3 Current Total: 2 Overage: 1' });
    expect(full.headers.get('ratelimit-limit')).toBe('3');
    expect(full.headers.get('ratelimit-remaining')).toBe('1');
    expect({ batches: count('batch_jobs'), jobs: count('binding_jobs'), outbox: count('outbox'), audit: count('audit_events') }).toEqual(before);

    // A bad template is still the template's error, full queue or not.
    const badTemplate = await t.post(batchesPath, batchBody([ids[2]!, ids[3]!], { authenticator_config_id: 'fedcba9876543210' }), unlisted);
    expect(badTemplate.status).toBe(404);

    // What fits still goes in, up to the last place.
    expect((await t.post(batchesPath, batchBody([ids[2]!]))).status).toBe(200);
    const none = await t.post(batchesPath, batchBody([ids[3]!]));
    expect(none.status).toBe(429);
    expect(none.headers.get('ratelimit-remaining')).toBe('0');

    // The mail worker sends the queued messages: the queue is empty again.
    t.db.prepare(`UPDATE outbox SET state = 'sent', sealed_link = NULL`).run();
    expect((await t.post(batchesPath, batchBody([ids[0]!, ids[1]!, ids[2]!]))).status).toBe(200);
  });
});

describe('GetBatchCredentialBindingJob and ListBatchCredentialBindingJobResults', () => {
  it('answers 404 for an unknown batch', async () => {
    for (const path of [`${batchesPath}/${UNKNOWN_ID}`, `${batchesPath}/${UNKNOWN_ID}:listResults`]) {
      const res = await t.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.details[0]).toMatchObject({ resource_type: 'BatchCredentialBindingJob', id: UNKNOWN_ID });
    }
  });

  it('lists the batch jobs with totals and pages through them', async () => {
    const ids = [await identity('l1'), await identity('l2'), await identity('l3'), UNKNOWN_ID];
    const batchId = (await t.post(batchesPath, batchBody(ids))).body.id as string;
    const first = await t.get(`${batchesPath}/${batchId}:listResults?page_size=2`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total_size: 3, total_pending_count: 3, total_success_count: 0, total_failure_count: 0 });
    expect(first.body.job_results).toHaveLength(2);
    const second = await t.get(`${batchesPath}/${batchId}:listResults?page_token=${first.body.next_page_token}`);
    expect(second.status).toBe(200);
    expect(second.body.job_results).toHaveLength(1);
    expect(second.body.next_page_token).toBeUndefined();
    const all = [...first.body.job_results, ...second.body.job_results];
    expect(all.map((j: { identity_id: string }) => j.identity_id)).toEqual(ids.slice(0, 3));
    expect(all.every((j: { batch_id: string }) => j.batch_id === batchId)).toBe(true);

    // A completed job and a revoked one move the totals.
    t.cloud.deps.repos.bindingJobs.setState(all[0].id, 'COMPLETE', new Date());
    expect((await t.post(`${t.realmPath()}/identities/${ids[1]}/credential-binding-jobs/${all[1].id}:revoke`)).status).toBe(200);
    const totals = (await t.get(`${batchesPath}/${batchId}:listResults`)).body;
    expect(totals).toMatchObject({ total_size: 3, total_success_count: 1, total_failure_count: 1, total_pending_count: 1 });
  });
});
