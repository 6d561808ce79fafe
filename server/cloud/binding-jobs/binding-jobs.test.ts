import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestCloud, identityBody, type TestCloud } from '../test/harness';
import { createBindingJobRepository, type NewBindingJob } from './repository';

const DAY_MS = 24 * 3600 * 1000;
const UNKNOWN_ID = '0123456789abcdef';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

async function identity(tc: TestCloud, username: string, email?: string | null): Promise<string> {
  const res = await tc.post(`${tc.realmPath()}/identities`, identityBody(username, { email }));
  expect(res.status).toBe(200);
  return res.body.id as string;
}

const jobsPath = (tc: TestCloud, identityId: string) => `${tc.realmPath()}/identities/${identityId}/credential-binding-jobs`;

function jobBody(tc: TestCloud, delivery: string, extra: Record<string, unknown> = {}) {
  return { job: { delivery_method: delivery, authenticator_config_id: tc.tenant.app.authenticator_config_id, ...extra } };
}

async function createJob(tc: TestCloud, identityId: string, delivery = 'RETURN', extra: Record<string, unknown> = {}) {
  const res = await tc.post(jobsPath(tc, identityId), jobBody(tc, delivery, extra));
  expect(res.status).toBe(200);
  return res.body as { credential_binding_job: Record<string, string>; credential_binding_link?: string };
}

function fields(body: { details: { field_violations: { field: string }[] }[] }): string[] {
  return body.details[0]!.field_violations.map((v) => v.field);
}

function jobRows(tc: TestCloud): Record<string, unknown>[] {
  return tc.db.prepare('SELECT * FROM binding_jobs').all() as Record<string, unknown>[];
}

describe('CreateCredentialBindingJob', () => {
  it('RETURN answers the job and its binding link; only the token hash is stored', async () => {
    const id = await identity(t, 'ann');
    const { credential_binding_job: job, credential_binding_link: link } = await createJob(t, id);
    expect(job).toMatchObject({
      identity_id: id,
      realm_id: t.tenant.realm_id,
      tenant_id: t.tenant.tenant_id,
      delivery_method: 'RETURN',
      state: 'LINK_SENT',
      authenticator_config_id: t.tenant.app.authenticator_config_id,
    });
    expect(job.id).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(job.expire_time!) - Date.parse(job.create_time!)).toBe(7 * DAY_MS);

    const prefix =
      `http://localhost:8787/v1/tenants/${t.tenant.tenant_id}/realms/${t.tenant.realm_id}/identities/${id}` +
      `/credential-binding-jobs/${job.id}:invokeAuthenticator?token=`;
    expect(link!.startsWith(prefix)).toBe(true);
    const token = link!.slice(prefix.length);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);

    // The raw token exists nowhere in the database, in any table.
    const tables = t.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    for (const table of tables) {
      expect(JSON.stringify(t.db.prepare(`SELECT * FROM "${table}"`).all())).not.toContain(token);
    }
    const rows = jobRows(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('EMAIL answers the job without a link', async () => {
    const id = await identity(t, 'bob');
    const body = await createJob(t, id, 'EMAIL');
    expect(Object.keys(body)).toEqual(['credential_binding_job']);
    expect(body.credential_binding_job).toMatchObject({ delivery_method: 'EMAIL', state: 'LINK_SENT' });
  });

  it('EMAIL for an identity without an email address is 422 and writes no job', async () => {
    const id = await identity(t, 'noemail', null);
    const res = await t.post(jobsPath(t, id), jobBody(t, 'EMAIL'));
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      code: 'unprocessable_entity',
      message: 'Identity missing email address',
      details: [{ type: 'ResourceInfo', resource_type: 'Identity', id, description: 'Identity missing email address' }],
    });
    expect(jobRows(t)).toHaveLength(0);
  });

  it('names job.authenticator_config_id when it is missing or empty, and job.delivery_method when bad', async () => {
    const id = await identity(t, 'cid');
    const missing = await t.post(jobsPath(t, id), { job: { delivery_method: 'RETURN' } });
    expect(missing.status).toBe(400);
    expect(fields(missing.body)).toEqual(['job.authenticator_config_id']);
    const empty = await t.post(jobsPath(t, id), jobBody(t, 'RETURN', { authenticator_config_id: '' }));
    expect(empty.status).toBe(400);
    expect(fields(empty.body)).toContain('job.authenticator_config_id');
    const bad = await t.post(jobsPath(t, id), jobBody(t, 'SMS'));
    expect(bad.status).toBe(400);
    expect(fields(bad.body)).toEqual(['job.delivery_method']);
    expect(jobRows(t)).toHaveLength(0);
  });

  it('answers 404 for an unknown identity or authenticator config', async () => {
    const unknownIdentity = await t.post(jobsPath(t, UNKNOWN_ID), jobBody(t, 'RETURN'));
    expect(unknownIdentity.status).toBe(404);
    expect(unknownIdentity.body.details).toEqual([
      { type: 'ResourceInfo', resource_type: 'Identity', id: UNKNOWN_ID, description: 'identity not found' },
    ]);
    const id = await identity(t, 'cfg');
    const unknownConfig = await t.post(jobsPath(t, id), jobBody(t, 'RETURN', { authenticator_config_id: UNKNOWN_ID }));
    expect(unknownConfig.status).toBe(404);
    expect(unknownConfig.body.details).toEqual([
      { type: 'ResourceInfo', resource_type: 'AuthenticatorConfig', id: UNKNOWN_ID, description: 'authenticator config not found' },
    ]);
    // Another realm's config is unknown here, with or without a redirect to check against it.
    const other = t.otherRealm();
    const foreign = await t.post(
      `/v1/tenants/${t.tenant.tenant_id}/realms/${other.realmId}/authenticator-configs`,
      { authenticator_config: { config: { type: 'embedded', invoke_url: 'http://localhost:3000', trusted_origins: [] } } },
      { token: other.token },
    );
    expect(foreign.status).toBe(200);
    for (const extra of [{}, { post_binding_redirect_uri: 'http://localhost:3000/done' }]) {
      const res = await t.post(jobsPath(t, id), jobBody(t, 'RETURN', { authenticator_config_id: foreign.body.id, ...extra }));
      expect(res.status).toBe(404);
      expect(res.body.details[0]).toMatchObject({ resource_type: 'AuthenticatorConfig', id: foreign.body.id });
    }
    expect(jobRows(t)).toHaveLength(0);
  });

  it("accepts a post_binding_redirect_uri on the Invoke URL's origin and refuses any other", async () => {
    const id = await identity(t, 'redir');
    const ok = await createJob(t, id, 'RETURN', { post_binding_redirect_uri: 'http://localhost:3000/done?x=1' });
    expect(ok.credential_binding_job.post_binding_redirect_uri).toBe('http://localhost:3000/done?x=1');
    for (const uri of ['https://evil.example/', '/done', 'javascript:alert(1)', 'http://localhost:3001/done']) {
      const res = await t.post(jobsPath(t, id), jobBody(t, 'RETURN', { post_binding_redirect_uri: uri }));
      expect(res.status, uri).toBe(400);
      expect(fields(res.body), uri).toEqual(['job.post_binding_redirect_uri']);
    }
    expect(jobRows(t)).toHaveLength(1);
  });

  it('uses the configured binding token lifetime', async () => {
    const tc = createTestCloud({ config: { bindingTokenTtlSeconds: 60 } });
    const id = await identity(tc, 'ttl');
    const { credential_binding_job: job } = await createJob(tc, id);
    expect(Date.parse(job.expire_time!) - Date.parse(job.create_time!)).toBe(60_000);
    tc.advance(61_000);
    expect((await tc.get(`${jobsPath(tc, id)}/${job.id}`)).body.state).toBe('EXPIRED');
  });
});

describe('job ids', () => {
  it('are 16 hex characters that start with the time of creation, so new jobs append to the id index', async () => {
    const id = await identity(t, 'ann');
    const before = Date.now();
    const job = (await createJob(t, id)).credential_binding_job;
    const after = Date.now();
    expect(job.id).toMatch(/^[0-9a-f]{16}$/);
    const millis = parseInt(job.id!.slice(0, 11), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(after);
    expect(millis).toBe(Date.parse(job.create_time!));
  });

  it("take their time from the cloud's clock, the one that sets create_time", async () => {
    const tc = createTestCloud();
    const id = await identity(tc, 'ben');
    tc.advance(3 * 24 * 3600_000);
    const job = (await createJob(tc, id)).credential_binding_job;
    expect(parseInt(job.id!.slice(0, 11), 16)).toBe(Date.parse(job.create_time!));
  });

  it('are drawn again when one is taken, a few times at most, and nothing is left of a failed insert', async () => {
    const identityId = await identity(t, 'ann');
    const record = (n: number): NewBindingJob => ({
      tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, identity_id: identityId, batch_id: null, delivery_method: 'RETURN',
      state: 'LINK_SENT', post_binding_redirect_uri: null, authenticator_config_id: t.tenant.app.authenticator_config_id,
      token_hash: String(n).repeat(64), expire_time: 'x', create_time: '2026-11-28T12:00:00.000Z', update_time: 'x',
    });
    const drawn: string[] = [];
    const draw = (ids: string[]) => () => {
      const id = ids.shift() ?? 'ffffffffffffffff';
      drawn.push(id);
      return id;
    };
    const repo = createBindingJobRepository(t.db, draw(['aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']));
    expect(repo.insert(record(1))).toBe('aaaaaaaaaaaaaaaa');
    expect(repo.insert(record(2))).toBe('bbbbbbbbbbbbbbbb');
    expect(drawn).toEqual(['aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb']);

    // Inside a transaction, as the group commit runs it: the duplicate leaves the transaction usable.
    const retried = createBindingJobRepository(t.db, draw(['bbbbbbbbbbbbbbbb', 'cccccccccccccccc']));
    expect(t.db.transaction(() => retried.insert(record(3)))()).toBe('cccccccccccccccc');

    let attempts = 0;
    const stuck = createBindingJobRepository(t.db, () => {
      attempts++;
      return 'aaaaaaaaaaaaaaaa';
    });
    expect(() => stuck.insert(record(4))).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }));
    expect(attempts).toBe(5);
    expect(jobRows(t).map((row) => [row.id, row.token_hash])).toEqual([
      ['aaaaaaaaaaaaaaaa', '1'.repeat(64)],
      ['bbbbbbbbbbbbbbbb', '2'.repeat(64)],
      ['cccccccccccccccc', '3'.repeat(64)],
    ]);
  });
});

describe('ListCredentialBindingJobs', () => {
  it('lists per identity and across the realm with `-`, filters by state and delivery method', async () => {
    const a = await identity(t, 'a');
    const b = await identity(t, 'b');
    await createJob(t, a, 'RETURN');
    await createJob(t, a, 'EMAIL');
    const revoked = await createJob(t, b, 'EMAIL');
    expect((await t.post(`${jobsPath(t, b)}/${revoked.credential_binding_job.id}:revoke`)).status).toBe(200);

    const perIdentity = await t.get(jobsPath(t, a));
    expect(perIdentity.status).toBe(200);
    expect(perIdentity.body.total_size).toBe(2);
    expect(perIdentity.body.credential_binding_jobs.map((j: { identity_id: string }) => j.identity_id)).toEqual([a, a]);

    const all = await t.get(jobsPath(t, '-'));
    expect(all.body.total_size).toBe(3);
    expect(all.body.credential_binding_jobs).toHaveLength(3);

    const list = async (filter: string) => (await t.get(`${jobsPath(t, '-')}?filter=${encodeURIComponent(filter)}`)).body;
    expect((await list('state eq "LINK_SENT"')).total_size).toBe(2);
    expect((await list('state eq "REVOKED"')).credential_binding_jobs.map((j: { id: string }) => j.id)).toEqual([
      revoked.credential_binding_job.id,
    ]);
    expect((await list('delivery_method eq "EMAIL"')).total_size).toBe(2);
    const both = await list('state eq "LINK_SENT" and delivery_method eq "EMAIL"');
    expect(both.total_size).toBe(1);
    expect(both.credential_binding_jobs[0]).toMatchObject({ identity_id: a, delivery_method: 'EMAIL', state: 'LINK_SENT' });
  });

  it('answers 400 naming filter for an unsupported attribute or value', async () => {
    for (const filter of ['identity_id eq "x"', 'state eq "DONE"', 'delivery_method eq "SMS"', 'state ne "LINK_SENT"', 'state eq "LINK_SENT" or state eq "COMPLETE"']) {
      const res = await t.get(`${jobsPath(t, '-')}?filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expect(fields(res.body), filter).toEqual(['filter']);
    }
  });

  it('pages with page_size and page_token', async () => {
    const id = await identity(t, 'pager');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createJob(t, id)).credential_binding_job.id!);
    const first = await t.get(`${jobsPath(t, id)}?page_size=2`);
    expect(first.body.credential_binding_jobs).toHaveLength(2);
    expect(first.body.total_size).toBe(5);
    const seen: string[] = first.body.credential_binding_jobs.map((j: { id: string }) => j.id);
    let token = first.body.next_page_token as string | undefined;
    while (token) {
      const page = await t.get(`${jobsPath(t, id)}?page_token=${token}`);
      expect(page.body.credential_binding_jobs.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.credential_binding_jobs.map((j: { id: string }) => j.id));
      token = page.body.next_page_token;
    }
    expect(seen).toEqual(created);
  });
});

describe('the created job', () => {
  it('is exactly what reading it back shows, with and without a redirect', async () => {
    const t = createTestCloud();
    const id = await identity(t, 'ann', 'ann@example.com');
    for (const extra of [{}, { post_binding_redirect_uri: 'http://localhost:3000/done' }]) {
      for (const delivery of ['RETURN', 'EMAIL']) {
        const created = (await createJob(t, id, delivery, extra)).credential_binding_job;
        const read = await t.get(`${jobsPath(t, id)}/${created.id}`);
        expect(read.body).toStrictEqual(created);
        expect(Object.keys(read.body)).toEqual(Object.keys(created));
      }
    }
  });
});

describe('expiry', () => {
  it('reads EXPIRED once expire_time has passed, in Get and in the state filter', async () => {
    const id = await identity(t, 'late');
    const { credential_binding_job: job } = await createJob(t, id);
    t.advance(7 * DAY_MS - 1000);
    expect((await t.get(`${jobsPath(t, id)}/${job.id}`)).body.state).toBe('LINK_SENT');
    t.advance(2000);
    const got = await t.get(`${jobsPath(t, id)}/${job.id}`);
    expect(got.status).toBe(200);
    expect(got.body.state).toBe('EXPIRED');
    const filtered = async (state: string) =>
      (await t.get(`${jobsPath(t, id)}?filter=${encodeURIComponent(`state eq "${state}"`)}`)).body.total_size;
    expect(await filtered('EXPIRED')).toBe(1);
    expect(await filtered('LINK_SENT')).toBe(0);
  });
});

describe('SetCredentialBindingJobRevoked', () => {
  const revoke = (tc: TestCloud, identityId: string, jobId: string, body?: unknown) =>
    tc.post(`${jobsPath(tc, identityId)}/${jobId}:revoke`, body);

  it('revokes a pending job, with or without a {} body, and revoking again answers REVOKED', async () => {
    const id = await identity(t, 'rev');
    const one = (await createJob(t, id)).credential_binding_job.id!;
    const two = (await createJob(t, id)).credential_binding_job.id!;
    const first = await revoke(t, id, one);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: one, state: 'REVOKED' });
    const withBody = await revoke(t, id, two, {});
    expect(withBody.status).toBe(200);
    expect(withBody.body.state).toBe('REVOKED');
    const again = await revoke(t, id, one);
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('REVOKED');
    expect((await t.get(`${jobsPath(t, id)}/${one}`)).body.state).toBe('REVOKED');
  });

  it('refuses a COMPLETE or EXPIRED job with 409', async () => {
    const id = await identity(t, 'done');
    const complete = (await createJob(t, id)).credential_binding_job.id!;
    t.cloud.deps.repos.bindingJobs.setState(complete, 'COMPLETE', new Date());
    const res = await revoke(t, id, complete);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'conflict', message: 'credential binding job is already complete' });
    expect((await t.get(`${jobsPath(t, id)}/${complete}`)).body.state).toBe('COMPLETE');

    const expiring = (await createJob(t, id)).credential_binding_job.id!;
    t.advance(7 * DAY_MS + 1000);
    const expired = await revoke(t, id, expiring);
    expect(expired.status).toBe(409);
    expect(expired.body).toMatchObject({ code: 'conflict', message: 'credential binding job has expired' });
    expect((await t.get(`${jobsPath(t, id)}/${expiring}`)).body.state).toBe('EXPIRED');
  });

  it('answers 404 for a job addressed under another identity', async () => {
    const owner = await identity(t, 'owner');
    const other = await identity(t, 'other');
    const jobId = (await createJob(t, owner)).credential_binding_job.id!;
    const notFound = {
      code: 'not_found',
      message: 'credential binding job not found',
      details: [{ type: 'ResourceInfo', resource_type: 'CredentialBindingJob', id: jobId, description: 'credential binding job not found' }],
    };
    const got = await t.get(`${jobsPath(t, other)}/${jobId}`);
    expect(got.status).toBe(404);
    expect(got.body).toEqual(notFound);
    const revoked = await revoke(t, other, jobId);
    expect(revoked.status).toBe(404);
    expect(revoked.body).toEqual(notFound);
    expect((await t.get(`${jobsPath(t, owner)}/${jobId}`)).body.state).toBe('LINK_SENT');
  });
});
