import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids';
import { createTestCloud, identityBody, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

describe('identities', () => {
  it('creates, reads, updates and deletes an identity', async () => {
    const created = await t.post(`${t.realmPath()}/identities`, identityBody('ann'));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      realm_id: t.tenant.realm_id,
      tenant_id: t.tenant.tenant_id,
      display_name: 'User ann',
      status: 'active',
      enrollment_status: 'UNENROLLED',
      traits: { type: 'traits_v0', username: 'ann', primary_email_address: 'ann@example.com' },
    });
    expect(created.body.id).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(created.body.create_time)).not.toBeNaN();

    const id = created.body.id as string;
    const got = await t.get(`${t.realmPath()}/identities/${id}`);
    expect(got.body).toEqual(created.body);

    const updated = await t.patch(`${t.realmPath()}/identities/${id}`, { identity: { display_name: 'Ann B', traits: { given_name: 'Ann' } } });
    expect(updated.status).toBe(200);
    expect(updated.body.display_name).toBe('Ann B');
    expect(updated.body.traits).toMatchObject({ username: 'ann', given_name: 'Ann', primary_email_address: 'ann@example.com' });

    expect((await t.del(`${t.realmPath()}/identities/${id}`)).status).toBe(200);
    const gone = await t.get(`${t.realmPath()}/identities/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({
      code: 'not_found',
      message: 'identity not found',
      details: [{ type: 'ResourceInfo', resource_type: 'Identity', id, description: 'identity not found' }],
    });
  });

  it('refuses a username taken in any case with 409', async () => {
    expect((await t.post(`${t.realmPath()}/identities`, identityBody('Ann'))).status).toBe(200);
    const dup = await t.post(`${t.realmPath()}/identities`, identityBody('aNN'));
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ code: 'conflict', message: 'username already exists' });
  });

  it('compares usernames ignoring case beyond ASCII too', async () => {
    // Regression: the key was folded with SQLite's lower(), which leaves É alone.
    expect((await t.post(`${t.realmPath()}/identities`, identityBody('Émile'))).status).toBe(200);
    const dup = await t.post(`${t.realmPath()}/identities`, identityBody('émile'));
    expect(dup.status).toBe(409);
    const found = await t.get(`${t.realmPath()}/identities?filter=${encodeURIComponent('username eq "ÉMILE"')}`);
    expect(found.body.identities.map((i: { traits: { username: string } }) => i.traits.username)).toEqual(['Émile']);
  });

  it('names each invalid field in FieldViolations', async () => {
    const bad = await t.post(`${t.realmPath()}/identities`, {
      identity: { display_name: 'x'.repeat(65), traits: { type: 'traits_v1', username: 'a/b', primary_email_address: 'nope' } },
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.details[0].field_violations.map((v: { field: string }) => v.field).sort();
    expect(fields).toEqual([
      'identity.display_name',
      'identity.traits.primary_email_address',
      'identity.traits.type',
      'identity.traits.username',
    ]);
  });

  it('filters by username and pages with page_token', async () => {
    for (let i = 0; i < 5; i++) await t.post(`${t.realmPath()}/identities`, identityBody(`user${i}`));
    const filtered = await t.get(`${t.realmPath()}/identities?filter=${encodeURIComponent('traits.username eq "USER3"')}`);
    expect(filtered.body.total_size).toBe(1);
    expect(filtered.body.identities[0].traits.username).toBe('user3');

    const first = await t.get(`${t.realmPath()}/identities?page_size=2`);
    expect(first.body.identities).toHaveLength(2);
    expect(first.body.total_size).toBe(5);
    const seen = first.body.identities.map((i: { id: string }) => i.id);
    let token = first.body.next_page_token as string | undefined;
    while (token) {
      const page = await t.get(`${t.realmPath()}/identities?page_token=${token}`);
      seen.push(...page.body.identities.map((i: { id: string }) => i.id));
      token = page.body.next_page_token;
    }
    expect(new Set(seen).size).toBe(5);
  });
});

const violatedFields = (body: { details: { field_violations: { field: string }[] }[] }) =>
  body.details[0]!.field_violations.map((v) => v.field);

async function createIdentity(username: string, extra: Parameters<typeof identityBody>[1] = {}): Promise<string> {
  const created = await t.post(`${t.realmPath()}/identities`, identityBody(username, extra));
  expect(created.status).toBe(200);
  return created.body.id as string;
}

/** Inserts identities straight into the repository (paging tests need hundreds). */
function insertIdentities(n: number): void {
  const time = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    t.cloud.deps.repos.identities.insert({
      id: newId(), tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, display_name: `Bulk ${i}`, status: 'active',
      traits: { type: 'traits_v0', username: `bulk${i}` }, create_time: time, update_time: time,
    });
  }
}

/** An ACTIVE credential for an identity, as the binding flow would store it. */
async function insertCredential(identityId: string): Promise<string> {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const id = newId();
  const time = new Date().toISOString();
  t.cloud.deps.repos.credentials.insert({
    id, identity_id: identityId, realm_id: t.tenant.realm_id, tenant_id: t.tenant.tenant_id, state: 'ACTIVE', csr_type: 'JWT',
    jwk_json: JSON.stringify(jwk), jwk_thumbprint: await calculateJwkThumbprint(jwk as never), create_time: time, update_time: time,
  });
  return id;
}

const listPath = (query: Record<string, string>) => `${t.realmPath()}/identities?${new URLSearchParams(query)}`;
const usernames = (body: { identities: { traits: { username: string } }[] }) => body.identities.map((i) => i.traits.username);

describe('ListIdentities filters and paging', () => {
  beforeEach(async () => {
    await createIdentity('Alice', { email: 'Alice@Example.com' });
    await createIdentity('bob', { email: 'bob@example.com' });
    await createIdentity('carol', { email: null });
  });

  it.each([
    ['username eq "alice"'],
    ['username eq "ALICE"'],
    ['traits.username eq "aLiCe"'],
    ['traits.primary_email_address eq "alice@example.com"'],
    ['traits.username eq "alice" and traits.primary_email_address eq "ALICE@example.COM"'],
  ])('matches case-insensitively with %s', async (filter) => {
    const list = await t.get(listPath({ filter }));
    expect(list.status).toBe(200);
    expect(usernames(list.body)).toEqual(['Alice']);
    expect(list.body.total_size).toBe(1);
  });

  it('finds nothing for a username nobody has, and ANDs terms', async () => {
    const none = await t.get(listPath({ filter: 'username eq "dave"' }));
    expect(none.body).toEqual({ identities: [], total_size: 0 });
    const both = await t.get(listPath({ filter: 'username eq "alice" and traits.primary_email_address eq "bob@example.com"' }));
    expect(both.body.total_size).toBe(0);
  });

  it.each([
    ['an unknown attribute', 'display_name eq "x"'],
    ['an unsupported operator', 'username co "a"'],
    ['an unquoted value', 'username eq alice'],
    ['terms joined with or', 'username eq "a" or username eq "b"'],
  ])('refuses %s with 400 naming filter', async (_what, filter) => {
    const bad = await t.get(listPath({ filter }));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
    expect(violatedFields(bad.body)).toEqual(['filter']);
  });

  it('keeps the filter in the page token, applies it when the request has none, and refuses a different one with 400 naming filter', async () => {
    await createIdentity('alicia', { email: 'alice@example.com' });
    const filter = 'traits.primary_email_address eq "alice@example.com"';
    const first = await t.get(listPath({ filter, page_size: '1' }));
    expect(usernames(first.body)).toEqual(['Alice']);
    expect(first.body.total_size).toBe(2);
    const second = await t.get(listPath({ filter, page_token: first.body.next_page_token }));
    expect(usernames(second.body)).toEqual(['alicia']);
    expect(second.body.next_page_token).toBeUndefined();

    const changed = await t.get(listPath({ filter: 'username eq "bob"', page_token: first.body.next_page_token }));
    expect(changed.status).toBe(400);
    expect(violatedFields(changed.body)).toEqual(['filter']);
    // The spec: "If specified, the request filter must match"; left out, the token's filter applies.
    const dropped = await t.get(listPath({ page_token: first.body.next_page_token }));
    expect(dropped.status).toBe(200);
    expect(usernames(dropped.body)).toEqual(['alicia']);
    expect(dropped.body.total_size).toBe(2);
  });

  it('defaults to 20 per page and clamps page_size to 200', async () => {
    insertIdentities(202);
    const byDefault = await t.get(`${t.realmPath()}/identities`);
    expect(byDefault.body.identities).toHaveLength(20);
    expect(byDefault.body.total_size).toBe(205);
    const clamped = await t.get(listPath({ page_size: '1000' }));
    expect(clamped.body.identities).toHaveLength(200);
    const rest = await t.get(listPath({ page_token: clamped.body.next_page_token }));
    expect(rest.body.identities).toHaveLength(5);
    expect(rest.body.next_page_token).toBeUndefined();
  });

  it('refuses a malformed page_token with 400 naming page_token', async () => {
    const bad = await t.get(listPath({ page_token: 'not-a-token' }));
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['page_token']);
  });
});

describe('UpdateIdentity', () => {
  it('refuses renaming to a username taken in another case with 409, changing nothing', async () => {
    await createIdentity('ann');
    const bobId = await createIdentity('bob');
    const before = (await t.get(`${t.realmPath()}/identities/${bobId}`)).body;
    t.advance(1_000);
    const refused = await t.patch(`${t.realmPath()}/identities/${bobId}`, {
      identity: { display_name: 'Renamed', traits: { username: 'ANN', given_name: 'Bob' } },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ code: 'conflict', message: 'username already exists' });
    expect((await t.get(`${t.realmPath()}/identities/${bobId}`)).body).toEqual(before);
  });

  it('may change the case of its own username', async () => {
    const id = await createIdentity('ann');
    const renamed = await t.patch(`${t.realmPath()}/identities/${id}`, { identity: { traits: { username: 'Ann' } } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.traits.username).toBe('Ann');
  });

  it('suspends and unsuspends an identity', async () => {
    const id = await createIdentity('ann');
    const suspended = await t.patch(`${t.realmPath()}/identities/${id}`, { identity: { status: 'suspended' } });
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('suspended');
    expect((await t.get(listPath({ filter: 'status eq "suspended"' }))).body.total_size).toBe(1);
    const active = await t.patch(`${t.realmPath()}/identities/${id}`, { identity: { status: 'active' } });
    expect(active.body.status).toBe('active');
    expect((await t.get(`${t.realmPath()}/identities/${id}`)).body.status).toBe('active');

    const bad = await t.patch(`${t.realmPath()}/identities/${id}`, { identity: { status: 'disabled' } });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['identity.status']);
  });

  it('removes the primary email when given ""', async () => {
    const id = await createIdentity('ann');
    const cleared = await t.patch(`${t.realmPath()}/identities/${id}`, { identity: { traits: { primary_email_address: '' } } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.traits).toEqual({ type: 'traits_v0', username: 'ann' });
    expect((await t.get(`${t.realmPath()}/identities/${id}`)).body.traits).toEqual({ type: 'traits_v0', username: 'ann' });
    expect((await t.get(listPath({ filter: 'traits.primary_email_address eq "ann@example.com"' }))).body.total_size).toBe(0);
  });

  it('answers 404 for an unknown identity', async () => {
    const unknown = newId();
    const missing = await t.patch(`${t.realmPath()}/identities/${unknown}`, { identity: { display_name: 'x' } });
    expect(missing.status).toBe(404);
    expect(missing.body.details).toEqual([{ type: 'ResourceInfo', resource_type: 'Identity', id: unknown, description: 'identity not found' }]);
  });
});

describe('DeleteIdentity', () => {
  it('deletes its credentials and binding jobs with it', async () => {
    const id = await createIdentity('ann');
    const keep = await createIdentity('bob');
    const credentialId = await insertCredential(id);
    const keptCredential = await insertCredential(keep);
    const newJob = async () => {
      const job = await t.post(`${t.realmPath()}/identities/${id}/credential-binding-jobs`, {
        job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id },
      });
      expect(job.status).toBe(200);
      return job.body.credential_binding_job.id as string;
    };
    const openJob = await newJob();
    // A completed job points at the credential it made; both must go in one delete.
    const completedJob = await newJob();
    expect(t.cloud.deps.repos.bindingJobs.complete(completedJob, credentialId, new Date())).toBe(true);

    expect((await t.del(`${t.realmPath()}/identities/${id}`)).status).toBe(200);
    const count = (table: string, column: string, value: string) =>
      t.db.prepare(`SELECT count(*) FROM ${table} WHERE ${column} = ?`).pluck().get(value);
    expect(count('credentials', 'identity_id', id)).toBe(0);
    expect(count('binding_jobs', 'identity_id', id)).toBe(0);
    expect(count('binding_jobs', 'id', openJob)).toBe(0);
    expect((await t.get(`${t.realmPath()}/identities/${id}/credentials/${credentialId}`)).status).toBe(404);
    const all = await t.get(`${t.realmPath()}/identities/-/credentials`);
    expect(all.body.credentials.map((c: { id: string }) => c.id)).toEqual([keptCredential]);
  });

  it('answers 404 for an unknown identity', async () => {
    expect((await t.del(`${t.realmPath()}/identities/${newId()}`)).status).toBe(404);
  });
});

describe('BatchDeleteIdentities', () => {
  const batchPath = () => `${t.realmPath()}/identities:batchDelete`;
  // The spec lists no 400 for BatchDeleteIdentities, though its description says
  // such requests "will fail"; these answers are checked by hand instead.
  const noSpec = { conformance: false } as const;

  it('deletes every listed identity and nothing else', async () => {
    const ids = [await createIdentity('a'), await createIdentity('b'), await createIdentity('c')];
    const keep = await createIdentity('d');
    const done = await t.post(batchPath(), { ids });
    expect(done.status).toBe(200);
    expect(done.body).toBeUndefined();
    for (const id of ids) expect((await t.get(`${t.realmPath()}/identities/${id}`)).status).toBe(404);
    const left = await t.get(`${t.realmPath()}/identities`);
    expect(left.body.identities.map((i: { id: string }) => i.id)).toEqual([keep]);
  });

  it('refuses an empty list and more than 1000 ids with 400 naming ids', async () => {
    const empty = await t.post(batchPath(), { ids: [] }, noSpec);
    expect(empty.status).toBe(400);
    expect(violatedFields(empty.body)).toEqual(['ids']);
    const tooMany = await t.post(batchPath(), { ids: Array.from({ length: 1001 }, () => newId()) }, noSpec);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('bad_request');
    expect(violatedFields(tooMany.body)).toEqual(['ids']);
  });

  it('refuses a repeated id with 400 naming it, deleting nothing', async () => {
    const a = await createIdentity('a');
    const b = await createIdentity('b');
    const bad = await t.post(batchPath(), { ids: [a, b, a] }, noSpec);
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['ids[2]']);
    expect((await t.get(`${t.realmPath()}/identities`)).body.total_size).toBe(2);
  });

  it('refuses a malformed id with 400 naming it, deleting nothing', async () => {
    const a = await createIdentity('a');
    const bad = await t.post(batchPath(), { ids: [a, 'NOT-AN-ID'] }, noSpec);
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['ids[1]']);
    expect((await t.get(`${t.realmPath()}/identities/${a}`)).status).toBe(200);
  });

  it('answers 404 listing the unknown id in BatchOperationErrors, deleting nothing', async () => {
    const a = await createIdentity('a');
    const b = await createIdentity('b');
    const unknown = newId();
    const missing = await t.post(batchPath(), { ids: [a, unknown, b] });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      code: 'not_found',
      message: 'identities not found',
      details: [
        {
          type: 'BatchOperationErrors',
          description: 'errors encountered performing batch operation',
          errors: [{ Description: 'identities not found', IDs: [unknown], ResourceType: 'Identity' }],
        },
      ],
    });
    expect((await t.get(`${t.realmPath()}/identities/${a}`)).status).toBe(200);
    expect((await t.get(`${t.realmPath()}/identities/${b}`)).status).toBe(200);
  });

  it('treats an identity of another realm as unknown', async () => {
    const other = t.otherRealm();
    const theirs = await t.post(`/v1/tenants/${t.tenant.tenant_id}/realms/${other.realmId}/identities`, identityBody('zed'), { token: other.token });
    expect(theirs.status).toBe(200);
    const missing = await t.post(batchPath(), { ids: [theirs.body.id] });
    expect(missing.status).toBe(404);
    expect(missing.body.details[0].errors[0].IDs).toEqual([theirs.body.id]);
  });
});
