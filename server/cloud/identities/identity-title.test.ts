import { beforeEach, describe, expect, it } from 'vitest';
import { createTestCloud, identityBody, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const identitiesPath = () => `${t.realmPath()}/identities`;

describe('traits.title (Traits_v0.properties.title)', () => {
  it('is stored and returned by create, get, list and update', async () => {
    const body = identityBody('ann');
    const created = await t.post(identitiesPath(), { identity: { ...body.identity, traits: { ...body.identity.traits, title: 'Engineer' } } });
    expect(created.status).toBe(200);
    // Regression: `title` was not among the known traits, so it was silently dropped.
    expect(created.body.traits.title).toBe('Engineer');
    const id = created.body.id as string;

    expect((await t.get(`${identitiesPath()}/${id}`)).body.traits.title).toBe('Engineer');
    const stored = t.db.prepare('SELECT traits_json FROM identities WHERE id = ?').pluck().get(id) as string;
    expect(JSON.parse(stored)).toMatchObject({ title: 'Engineer' });
    const listed = await t.get(`${identitiesPath()}?filter=${encodeURIComponent('username eq "ann"')}`);
    expect(listed.body.identities[0].traits.title).toBe('Engineer');

    const updated = await t.patch(`${identitiesPath()}/${id}`, { identity: { traits: { title: 'Manager' } } });
    expect(updated.status).toBe(200);
    expect(updated.body.traits).toMatchObject({ username: 'ann', title: 'Manager' });
    expect((await t.get(`${identitiesPath()}/${id}`)).body.traits.title).toBe('Manager');
  });

  it('refuses a title that is not a string, or longer than the other traits allow, with 400 naming it', async () => {
    for (const title of [42, 'x'.repeat(1025)]) {
      const body = identityBody('bob');
      const refused = await t.post(identitiesPath(), { identity: { ...body.identity, traits: { ...body.identity.traits, title } } });
      expect(refused.status).toBe(400);
      expect(refused.body.details[0].field_violations.map((v: { field: string }) => v.field)).toEqual(['identity.traits.title']);
    }
  });
});
