import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids';
import { createTestCloud, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const realmsPath = () => `/v1/tenants/${t.tenant.tenant_id}/realms`;
const violatedFields = (body: { details: { field_violations: { field: string }[] }[] }) =>
  body.details[0]!.field_violations.map((v) => v.field);

/** Inserts `n` realms straight into the repository (paging tests need hundreds). */
function insertRealms(n: number): string[] {
  const time = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => {
    const id = newId();
    t.cloud.deps.repos.realms.insert({ id, tenant_id: t.tenant.tenant_id, display_name: `Realm ${i}`, create_time: time, update_time: time });
    return id;
  });
}

describe('realms', () => {
  it('creates a realm and reads it back', async () => {
    const created = await t.post(realmsPath(), { realm: { display_name: 'Staging', classification: 'SECURE_WORKFORCE' } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      tenant_id: t.tenant.tenant_id,
      display_name: 'Staging',
      classification: 'SECURE_WORKFORCE',
      create_time: expect.any(String),
      update_time: created.body.create_time,
    });
    const got = await t.get(`${realmsPath()}/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
  });

  it('refuses an invalid display_name or classification on create, naming each field', async () => {
    const bad = await t.post(realmsPath(), { realm: { display_name: 'a<b', classification: 'PUBLIC' } });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body).sort()).toEqual(['realm.classification', 'realm.display_name']);
  });

  it('lists the tenant realms, the seeded one first', async () => {
    const created = await t.post(realmsPath(), { realm: { display_name: 'Second' } });
    const list = await t.get(realmsPath());
    expect(list.status).toBe(200);
    expect(list.body.total_size).toBe(2);
    expect(list.body.next_page_token).toBeUndefined();
    expect(list.body.realms.map((r: { id: string }) => r.id)).toEqual([t.tenant.realm_id, created.body.id]);
  });

  it('does not list another tenant realms', async () => {
    const other = t.otherTenant();
    const list = await t.get(realmsPath());
    expect(list.body.realms.map((r: { id: string }) => r.id)).not.toContain(other.realm_id);
    expect(list.body.total_size).toBe(1);
  });

  it('pages with page_size and page_token, keeping the page size in the token', async () => {
    const ids = [t.tenant.realm_id, ...insertRealms(6)];
    const first = await t.get(`${realmsPath()}?page_size=3`);
    expect(first.body.realms.map((r: { id: string }) => r.id)).toEqual(ids.slice(0, 3));
    expect(first.body.total_size).toBe(7);
    const second = await t.get(`${realmsPath()}?page_token=${first.body.next_page_token}`);
    expect(second.body.realms.map((r: { id: string }) => r.id)).toEqual(ids.slice(3, 6));
    const third = await t.get(`${realmsPath()}?page_token=${second.body.next_page_token}`);
    expect(third.body.realms.map((r: { id: string }) => r.id)).toEqual(ids.slice(6));
    expect(third.body.next_page_token).toBeUndefined();
  });

  it('skips rows with skip, and a new page_size overrides the token one', async () => {
    const ids = [t.tenant.realm_id, ...insertRealms(6)];
    const skipped = await t.get(`${realmsPath()}?page_size=2&skip=3`);
    expect(skipped.body.realms.map((r: { id: string }) => r.id)).toEqual(ids.slice(3, 5));
    const first = await t.get(`${realmsPath()}?page_size=2`);
    const bigger = await t.get(`${realmsPath()}?page_size=4&page_token=${first.body.next_page_token}`);
    expect(bigger.body.realms.map((r: { id: string }) => r.id)).toEqual(ids.slice(2, 6));
  });

  it('defaults to 20 per page and clamps page_size above 200 to 200', async () => {
    insertRealms(204);
    const byDefault = await t.get(realmsPath());
    expect(byDefault.body.realms).toHaveLength(20);
    expect(byDefault.body.total_size).toBe(205);
    const clamped = await t.get(`${realmsPath()}?page_size=500`);
    expect(clamped.status).toBe(200);
    expect(clamped.body.realms).toHaveLength(200);
    expect(typeof clamped.body.next_page_token).toBe('string');
    const rest = await t.get(`${realmsPath()}?page_token=${clamped.body.next_page_token}`);
    expect(rest.body.realms).toHaveLength(5);
  });

  it.each([
    ['not base64 JSON', 'garbage!!'],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ a: -1, s: 0, f: 1 })).toString('base64url')],
  ])('refuses a page_token that is %s with 400 naming page_token', async (_what, token) => {
    const bad = await t.get(`${realmsPath()}?page_token=${encodeURIComponent(token)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
    expect(violatedFields(bad.body)).toEqual(['page_token']);
  });

  it.each(['page_size', 'skip'])('refuses a negative %s with 400 naming it', async (param) => {
    const bad = await t.get(`${realmsPath()}?${param}=-1`);
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual([param]);
  });

  it('updates a realm display_name', async () => {
    const created = await t.post(realmsPath(), { realm: { display_name: 'Old' } });
    t.advance(1_000);
    const updated = await t.patch(`${realmsPath()}/${created.body.id}`, { realm: { display_name: 'New' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, display_name: 'New', create_time: created.body.create_time });
    expect(updated.body.update_time).not.toBe(created.body.update_time);
    expect((await t.get(`${realmsPath()}/${created.body.id}`)).body.display_name).toBe('New');

    const bad = await t.patch(`${realmsPath()}/${created.body.id}`, { realm: { display_name: 'x'.repeat(65) } });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['realm.display_name']);
  });

  it('answers 404 for an unknown realm on get, update and delete', async () => {
    const unknown = newId();
    for (const response of [
      await t.get(`${realmsPath()}/${unknown}`),
      await t.patch(`${realmsPath()}/${unknown}`, { realm: { display_name: 'x' } }),
      await t.del(`${realmsPath()}/${unknown}`),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        code: 'not_found',
        message: 'realm not found',
        details: [{ type: 'ResourceInfo', resource_type: 'Realm', id: unknown, description: 'realm not found' }],
      });
    }
  });

  it('answers 404 for another tenant realm, not revealing it', async () => {
    const other = t.otherTenant();
    expect((await t.get(`${realmsPath()}/${other.realm_id}`)).status).toBe(404);
    expect((await t.del(`${realmsPath()}/${other.realm_id}`)).status).toBe(404);
  });

  it('refuses to delete the seeded realm, which has children, with 409', async () => {
    const refused = await t.del(`${realmsPath()}/${t.tenant.realm_id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'conflict', message: 'realm has children' });
    expect(refused.body.details).toEqual([{ type: 'ResourceInfo', resource_type: 'Realm', id: t.tenant.realm_id, description: 'realm has children' }]);
    expect((await t.get(`${realmsPath()}/${t.tenant.realm_id}`)).status).toBe(200);
  });

  it('deletes an empty realm', async () => {
    const created = await t.post(realmsPath(), { realm: { display_name: 'Empty' } });
    const deleted = await t.del(`${realmsPath()}/${created.body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toBeUndefined();
    expect((await t.get(`${realmsPath()}/${created.body.id}`)).status).toBe(404);
    expect((await t.get(realmsPath())).body.total_size).toBe(1);
  });

  it('deletes a realm that holds only a theme, and its theme with it', async () => {
    const created = await t.post(realmsPath(), { realm: { display_name: 'Themed' } });
    const time = new Date().toISOString();
    t.cloud.deps.repos.themes.insert({
      id: newId(), tenant_id: t.tenant.tenant_id, realm_id: created.body.id, email_realm_name: 'Themed', logo_url_light: 'https://x.test/l.svg',
      logo_url_dark: 'https://x.test/d.svg', support_url: 'https://x.test/help', button_color: '#000000', button_text_color: '#FFFFFF',
      create_time: time, update_time: time,
    });
    expect((await t.del(`${realmsPath()}/${created.body.id}`)).status).toBe(200);
    expect(t.cloud.deps.repos.themes.getForRealm(created.body.id)).toBeUndefined();
  });
});
