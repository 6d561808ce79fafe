import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids';
import { createTestCloud, type TestCloud } from '../test/harness';
import { DEFAULT_THEME } from './repository';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const themesPath = (realmId = t.tenant.realm_id) => `/v1/tenants/${t.tenant.tenant_id}/realms/${realmId}/themes`;
const violatedFields = (body: { details: { field_violations: { field: string }[] }[] }) =>
  body.details[0]!.field_violations.map((v) => v.field).sort();

describe('themes', () => {
  it('GetActiveTheme returns the seeded theme of the realm', async () => {
    const active = await t.get(`${themesPath()}/active`);
    expect(active.status).toBe(200);
    expect(active.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      tenant_id: t.tenant.tenant_id,
      realm_id: t.tenant.realm_id,
      ...DEFAULT_THEME,
      create_time: expect.any(String),
      update_time: expect.any(String),
    });
    const got = await t.get(`${themesPath()}/${active.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(active.body);
  });

  it('CreateTheme answers 409 when the realm already has a theme', async () => {
    const before = (await t.get(`${themesPath()}/active`)).body;
    const refused = await t.post(themesPath(), { theme: { email_realm_name: 'Second' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ code: 'conflict', message: 'theme already exists for this realm' });
    expect((await t.get(`${themesPath()}/active`)).body).toEqual(before);
  });

  it('in a realm without a theme, GetActiveTheme returns the defaults and CreateTheme fills them in', async () => {
    const other = t.otherRealm();
    const opts = { token: other.token };
    const defaults = await t.get(`${themesPath(other.realmId)}/active`, opts);
    expect(defaults.status).toBe(200);
    expect(defaults.body).toEqual({ tenant_id: t.tenant.tenant_id, realm_id: other.realmId, ...DEFAULT_THEME });

    const created = await t.post(themesPath(other.realmId), { theme: { email_realm_name: 'Acme', button_color: '#112233' } }, opts);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      tenant_id: t.tenant.tenant_id,
      realm_id: other.realmId,
      ...DEFAULT_THEME,
      email_realm_name: 'Acme',
      button_color: '#112233',
      create_time: expect.any(String),
      update_time: created.body.create_time,
    });
    expect((await t.get(`${themesPath(other.realmId)}/active`, opts)).body).toEqual(created.body);
    expect((await t.get(`${themesPath(other.realmId)}/${created.body.id}`, opts)).body).toEqual(created.body);
  });

  it('CreateTheme with an empty body makes a theme of defaults', async () => {
    const other = t.otherRealm();
    const created = await t.post(themesPath(other.realmId), {}, { token: other.token });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject(DEFAULT_THEME);
    expect(created.body.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('UpdateTheme changes only the given fields', async () => {
    const active = (await t.get(`${themesPath()}/active`)).body;
    t.advance(1_000);
    const updated = await t.patch(`${themesPath()}/${active.id}`, {
      theme: { support_url: 'https://help.example.com/passkeys', button_text_color: '#000000' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      ...active,
      support_url: 'https://help.example.com/passkeys',
      button_text_color: '#000000',
      update_time: expect.any(String),
    });
    expect(updated.body.update_time).not.toBe(active.update_time);
    expect((await t.get(`${themesPath()}/active`)).body).toEqual(updated.body);
  });

  it('answers 404 for an unknown theme and for another realm theme', async () => {
    const unknown = newId();
    const missing = await t.get(`${themesPath()}/${unknown}`);
    expect(missing.status).toBe(404);
    expect(missing.body.details).toEqual([{ type: 'ResourceInfo', resource_type: 'Theme', id: unknown, description: 'theme not found' }]);
    expect((await t.patch(`${themesPath()}/${unknown}`, { theme: { email_realm_name: 'x' } })).status).toBe(404);

    const other = t.otherRealm();
    const theirs = (await t.post(themesPath(other.realmId), {}, { token: other.token })).body;
    expect((await t.get(`${themesPath()}/${theirs.id}`)).status).toBe(404);
  });

  it('refuses invalid fields with 400 naming each, on create and update', async () => {
    const other = t.otherRealm();
    const bad = {
      theme: { support_url: 'javascript:alert(1)', button_color: 'blue', logo_url_light: '/relative.svg', email_realm_name: 'a|b' },
    };
    const create = await t.post(themesPath(other.realmId), bad, { token: other.token });
    expect(create.status).toBe(400);
    expect(violatedFields(create.body)).toEqual(['theme.button_color', 'theme.email_realm_name', 'theme.logo_url_light', 'theme.support_url']);
    expect((await t.get(`${themesPath(other.realmId)}/active`, { token: other.token })).body.id).toBeUndefined();

    const active = (await t.get(`${themesPath()}/active`)).body;
    for (const [field, value] of [['support_url', 'not a url'], ['button_color', '#12345']] as const) {
      const update = await t.patch(`${themesPath()}/${active.id}`, { theme: { [field]: value } });
      expect(update.status).toBe(400);
      expect(violatedFields(update.body)).toEqual([`theme.${field}`]);
    }
    expect((await t.get(`${themesPath()}/active`)).body).toEqual(active);
  });
});
