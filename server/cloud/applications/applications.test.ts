import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids';
import { createTestCloud, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const appsPath = () => `${t.realmPath()}/applications`;
const violatedFields = (body: { details: { field_violations: { field: string }[] }[] }) =>
  body.details[0]!.field_violations.map((v) => v.field).sort();

function oidcApp(extra: Record<string, unknown> = {}) {
  return {
    application: {
      display_name: 'Shop',
      authenticator_config_id: t.tenant.app.authenticator_config_id,
      protocol_config: { type: 'oidc', allowed_scopes: ['openid'], redirect_uris: ['https://shop.example.com/callback'], ...extra },
    },
  };
}

/** A client-credentials app allowed to read identities, and a token minted with its secret. */
async function machineAppWithToken() {
  const created = await t.post(appsPath(), {
    application: {
      display_name: 'Sync job',
      protocol_config: { type: 'oauth2', grant_type: ['client_credentials'], allowed_scopes: ['identities:read'], token_format: 'referential' },
    },
  });
  expect(created.status).toBe(200);
  const { client_id, client_secret } = created.body.protocol_config;
  const response = await t.cloud.app.request(`${appsPath()}/${created.body.id}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=identities:read',
  });
  expect(response.status).toBe(200);
  return { app: created.body, token: ((await response.json()) as { access_token: string }).access_token };
}

describe('applications', () => {
  it('creates an application, returning client_secret only in that response', async () => {
    const created = await t.post(appsPath(), oidcApp());
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      realm_id: t.tenant.realm_id,
      tenant_id: t.tenant.tenant_id,
      display_name: 'Shop',
      authenticator_config_id: t.tenant.app.authenticator_config_id,
      is_managed: false,
      protocol_config: {
        type: 'oidc',
        allowed_scopes: ['openid'],
        redirect_uris: ['https://shop.example.com/callback'],
        confidentiality: 'confidential',
        token_endpoint_auth_method: 'client_secret_basic',
        grant_type: ['authorization_code'],
        pkce: 's256',
        client_id: expect.any(String),
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      },
    });
    const { client_secret: _secret, ...protocolWithoutSecret } = created.body.protocol_config;
    const got = await t.get(`${appsPath()}/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ ...created.body, protocol_config: protocolWithoutSecret });

    const list = await t.get(appsPath());
    const listed = list.body.applications.find((a: { id: string }) => a.id === created.body.id);
    expect(listed).toEqual(got.body);
    expect(JSON.stringify(list.body)).not.toContain(created.body.protocol_config.client_secret);
    expect(JSON.stringify(list.body)).not.toContain('"client_secret"');
  });

  it('gives a public client no secret', async () => {
    const created = await t.post(appsPath(), oidcApp({ confidentiality: 'public', token_endpoint_auth_method: 'none' }));
    expect(created.status).toBe(200);
    expect(created.body.protocol_config.client_secret).toBeUndefined();
  });

  it('ignores a client_id or client_secret in the request', async () => {
    const created = await t.post(appsPath(), oidcApp({ client_id: 'chosen', client_secret: 'chosen-secret' }));
    expect(created.status).toBe(200);
    expect(created.body.protocol_config.client_id).not.toBe('chosen');
    expect(created.body.protocol_config.client_secret).not.toBe('chosen-secret');
  });

  it('answers 404 for an unknown authenticator_config_id on create and update', async () => {
    const unknown = newId();
    const body = oidcApp();
    body.application.authenticator_config_id = unknown;
    const missing = await t.post(appsPath(), body);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      code: 'not_found',
      message: 'authenticator config not found',
      details: [{ type: 'ResourceInfo', resource_type: 'AuthenticatorConfig', id: unknown, description: 'authenticator config not found' }],
    });
    expect((await t.get(appsPath())).body.total_size).toBe(2);

    const app = (await t.post(appsPath(), oidcApp())).body;
    const update = await t.patch(`${appsPath()}/${app.id}`, { application: { authenticator_config_id: unknown } });
    expect(update.status).toBe(404);
    expect((await t.get(`${appsPath()}/${app.id}`)).body.authenticator_config_id).toBe(t.tenant.app.authenticator_config_id);
  });

  it('lists the seeded applications and pages', async () => {
    const list = await t.get(appsPath());
    expect(list.status).toBe(200);
    expect(list.body.total_size).toBe(2);
    expect(list.body.applications.map((a: { id: string }) => a.id).sort()).toEqual(
      [t.tenant.app.application_id, t.tenant.management.application_id].sort(),
    );
    const managed = list.body.applications.find((a: { id: string }) => a.id === t.tenant.management.application_id);
    expect(managed).toMatchObject({ display_name: 'Management API', is_managed: true });

    const created = (await t.post(appsPath(), oidcApp())).body;
    const first = await t.get(`${appsPath()}?page_size=2`);
    expect(first.body.applications).toHaveLength(2);
    const second = await t.get(`${appsPath()}?page_token=${first.body.next_page_token}`);
    expect(second.body.applications.map((a: { id: string }) => a.id)).toEqual([created.id]);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it('answers 404 for an unknown application on get, update and delete', async () => {
    const unknown = newId();
    for (const response of [
      await t.get(`${appsPath()}/${unknown}`),
      await t.patch(`${appsPath()}/${unknown}`, { application: { display_name: 'x' } }),
      await t.del(`${appsPath()}/${unknown}`),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body.details).toEqual([{ type: 'ResourceInfo', resource_type: 'Application', id: unknown, description: 'application not found' }]);
    }
  });

  it('updates display_name and merges protocol_config key by key', async () => {
    const created = (await t.post(appsPath(), oidcApp())).body;
    const updated = await t.patch(`${appsPath()}/${created.id}`, {
      application: {
        display_name: 'Shop 2',
        protocol_config: { redirect_uris: ['http://localhost:5173/cb', 'https://shop.example.com/cb2'], client_id: 'hijack' },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.display_name).toBe('Shop 2');
    expect(updated.body.protocol_config).toEqual({
      type: 'oidc',
      allowed_scopes: ['openid'],
      redirect_uris: ['http://localhost:5173/cb', 'https://shop.example.com/cb2'],
      confidentiality: 'confidential',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_type: ['authorization_code'],
      pkce: 's256',
      token_format: 'self_contained',
      client_id: created.protocol_config.client_id,
    });
    expect((await t.get(`${appsPath()}/${created.id}`)).body).toEqual(updated.body);
  });

  it.each([
    ['a relative path', '/callback'],
    ['a custom scheme', 'myapp://callback'],
    ['not a URL', 'not a url'],
  ])('refuses %s in redirect_uris with 400 naming the entry', async (_what, uri) => {
    const create = await t.post(appsPath(), oidcApp({ redirect_uris: ['https://ok.example.com/cb', uri] }));
    expect(create.status).toBe(400);
    expect(violatedFields(create.body)).toEqual(['application.protocol_config.redirect_uris.1']);

    const app = (await t.post(appsPath(), oidcApp())).body;
    const update = await t.patch(`${appsPath()}/${app.id}`, { application: { protocol_config: { redirect_uris: [uri] } } });
    expect(update.status).toBe(400);
    expect(violatedFields(update.body)).toEqual(['application.protocol_config.redirect_uris.0']);
    expect((await t.get(`${appsPath()}/${app.id}`)).body.protocol_config.redirect_uris).toEqual(['https://shop.example.com/callback']);
  });

  it('refuses a missing display_name and an unknown protocol type, naming each field', async () => {
    const bad = await t.post(appsPath(), { application: { protocol_config: { type: 'saml' } } });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['application.display_name', 'application.protocol_config.type']);
  });

  it('refuses to delete the managed Management API application with 409', async () => {
    // DeleteApplication lists no 409 in the spec; the body is checked by hand.
    const refused = await t.del(`${appsPath()}/${t.tenant.management.application_id}`, { conformance: false });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      code: 'conflict',
      message: 'managed applications cannot be deleted',
      details: [{ type: 'ResourceInfo', resource_type: 'Application', id: t.tenant.management.application_id, description: 'managed applications cannot be deleted' }],
    });
    expect((await t.get(`${appsPath()}/${t.tenant.management.application_id}`)).status).toBe(200);
  });

  it('deletes a normal application, and its tokens stop working', async () => {
    const { app, token } = await machineAppWithToken();
    expect((await t.get(`${t.realmPath()}/identities`, { token })).status).toBe(200);

    const deleted = await t.del(`${appsPath()}/${app.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toBeUndefined();
    expect((await t.get(`${appsPath()}/${app.id}`)).status).toBe(404);
    const after = await t.get(`${t.realmPath()}/identities`, { token });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ code: 'unauthorized', message: 'unauthorized' });
  });
});
