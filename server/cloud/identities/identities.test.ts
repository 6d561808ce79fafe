import { beforeEach, describe, expect, it } from 'vitest';
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
