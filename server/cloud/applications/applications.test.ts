import { beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, newId } from '../../lib/ids';
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

/** The Management API's resource server, as a client finds it: on the managed application. */
async function managementResourceServerId(): Promise<string> {
  const managed = await t.get(`${appsPath()}/${t.tenant.management.application_id}`);
  expect(managed.body.resource_server_id).toEqual(expect.any(String));
  return managed.body.resource_server_id as string;
}

/** The token endpoint's answer to a client_credentials request with these credentials. */
async function clientCredentials(appId: string, clientId: string, secret: string, scope = '') {
  const response = await t.cloud.app.request(`${appsPath()}/${appId}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }).toString(),
  });
  return { status: response.status, body: (await response.json()) as { access_token?: string; scope?: string; error?: string } };
}

/** A client-credentials app allowed to read identities, and a token minted with its secret. */
async function machineAppWithToken() {
  const created = await t.post(appsPath(), {
    application: {
      display_name: 'Sync job',
      resource_server_id: await managementResourceServerId(),
      protocol_config: { type: 'oauth2', grant_type: ['client_credentials'], allowed_scopes: ['identities:read'], token_format: 'referential' },
    },
  });
  expect(created.status).toBe(200);
  const { client_id, client_secret } = created.body.protocol_config;
  const response = await clientCredentials(created.body.id, client_id, client_secret, 'identities:read');
  expect(response.status).toBe(200);
  return { app: created.body, token: response.body.access_token! };
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
        pkce: 'disabled',
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
    const created = await t.post(appsPath(), oidcApp({ confidentiality: 'public', pkce: 's256' }));
    expect(created.status).toBe(200);
    expect(created.body.protocol_config.client_secret).toBeUndefined();
    expect(t.cloud.deps.repos.applications.get(t.tenant.realm_id, created.body.id)!.client_secret_hash).toBeUndefined();
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
      pkce: 'disabled',
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

describe('the managed Management API application', () => {
  const managedPath = () => `${appsPath()}/${t.tenant.management.application_id}`;

  it.each([
    ['its display_name', { display_name: 'Mine now' }],
    ['its grant_type (which locked every management client out)', { protocol_config: { grant_type: ['authorization_code'] } }],
    ['its allowed_scopes', { protocol_config: { allowed_scopes: [] } }],
    ['its confidentiality', { protocol_config: { confidentiality: 'public', pkce: 's256' } }],
    ['its resource_server_id', { resource_server_id: '' }],
  ])('refuses to update %s with 409, changing nothing', async (_what, application) => {
    const before = await t.get(managedPath());
    const auditBefore = t.cloud.deps.repos.audit.list(t.tenant.tenant_id).length;
    // UpdateApplication lists no 409 in the spec; the body is checked by hand (as for DeleteApplication).
    const refused = await t.patch(managedPath(), { application }, { conformance: false });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      code: 'conflict',
      message: 'managed applications cannot be modified',
      details: [{ type: 'ResourceInfo', resource_type: 'Application', id: t.tenant.management.application_id, description: 'managed applications cannot be modified' }],
    });
    expect((await t.get(managedPath())).body).toEqual(before.body);
    expect(t.cloud.deps.repos.audit.list(t.tenant.tenant_id)).toHaveLength(auditBefore);
    // Its client credentials still mint management tokens.
    const minted = await clientCredentials(t.tenant.management.application_id, t.tenant.management.client_id, t.tenant.management.client_secret, 'identities:read');
    expect(minted.status).toBe(200);
    expect((await t.get(`${t.realmPath()}/identities`, { token: minted.body.access_token! })).status).toBe(200);
  });

  it('still answers 404 for an unknown application before anything else', async () => {
    const unknown = newId();
    expect((await t.patch(`${appsPath()}/${unknown}`, { application: { display_name: 'x' } })).status).toBe(404);
  });
});

describe('allowed_scopes need a resource server', () => {
  it('refuses scopes on create without resource_server_id, with 400 naming the field, and creates nothing', async () => {
    for (const protocol_config of [
      { type: 'oauth2', grant_type: ['client_credentials'], allowed_scopes: ['identities:read'] },
      { type: 'oauth2', grant_type: ['client_credentials'], allowed_scopes: ['applications:create', 'tokens:read'] },
      // `openid` is an OIDC scope: an oauth2 application has no use for it.
      { type: 'oauth2', allowed_scopes: ['openid'] },
      { type: 'oidc', allowed_scopes: ['openid', 'identities:read'], redirect_uris: ['https://shop.example.com/callback'] },
    ]) {
      const refused = await t.post(appsPath(), { application: { display_name: 'Escalate', protocol_config } });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'bad_request', message: 'invalid parameters' });
      expect(violatedFields(refused.body)).toEqual(['application.protocol_config.allowed_scopes']);
      const empty = await t.post(appsPath(), { application: { display_name: 'Escalate', resource_server_id: '', protocol_config } });
      expect(empty.status).toBe(400);
    }
    expect((await t.get(appsPath())).body.total_size).toBe(2);
  });

  it('accepts scopes with a resource server, and an oidc application listing only openid without one', async () => {
    const withServer = await t.post(appsPath(), {
      application: {
        display_name: 'Sync job',
        resource_server_id: await managementResourceServerId(),
        protocol_config: { type: 'oauth2', grant_type: ['client_credentials'], allowed_scopes: ['identities:read'] },
      },
    });
    expect(withServer.status).toBe(200);
    expect(withServer.body.protocol_config.allowed_scopes).toEqual(['identities:read']);
    // Spec: OpenID Connect scopes "should not be defined on the application itself" — tolerated, they grant nothing.
    const oidc = await t.post(appsPath(), oidcApp());
    expect(oidc.status).toBe(200);
    expect(oidc.body.resource_server_id).toBeUndefined();
    const none = await t.post(appsPath(), { application: { display_name: 'Login only', protocol_config: { type: 'oauth2', allowed_scopes: [] } } });
    expect(none.status).toBe(200);
  });

  it('judges an update on the merged result', async () => {
    const server = await managementResourceServerId();
    const plain = (await t.post(appsPath(), { application: { display_name: 'Plain', protocol_config: { type: 'oauth2', grant_type: ['client_credentials'] } } })).body;
    const addScopes = await t.patch(`${appsPath()}/${plain.id}`, { application: { protocol_config: { allowed_scopes: ['identities:delete'] } } });
    expect(addScopes.status).toBe(400);
    expect(violatedFields(addScopes.body)).toEqual(['application.protocol_config.allowed_scopes']);
    expect((await t.get(`${appsPath()}/${plain.id}`)).body.protocol_config.allowed_scopes).toBeUndefined();
    // With the resource server in the same PATCH, it is allowed.
    const both = await t.patch(`${appsPath()}/${plain.id}`, { application: { resource_server_id: server, protocol_config: { allowed_scopes: ['identities:read'] } } });
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ resource_server_id: server, protocol_config: { allowed_scopes: ['identities:read'] } });

    // Dropping the resource server while scopes remain is refused; dropping both is not.
    const dropServer = await t.patch(`${appsPath()}/${plain.id}`, { application: { resource_server_id: '' } });
    expect(dropServer.status).toBe(400);
    expect(violatedFields(dropServer.body)).toEqual(['application.protocol_config.allowed_scopes']);
    expect((await t.get(`${appsPath()}/${plain.id}`)).body.resource_server_id).toBe(server);
    const dropBoth = await t.patch(`${appsPath()}/${plain.id}`, { application: { resource_server_id: '', protocol_config: { allowed_scopes: [] } } });
    expect(dropBoth.status).toBe(200);
    expect(dropBoth.body.resource_server_id).toBeUndefined();
    expect(dropBoth.body.protocol_config.allowed_scopes).toEqual([]);
  });
});

describe('token_endpoint_auth_method and pkce', () => {
  it.each([
    ['confidential', 'none', 'client_secret_basic'],
    ['confidential', 'client_secret_post', 'client_secret_basic'],
    ['public', 'client_secret_basic', 'none'],
    ['public', 'private_key_jwt', 'none'],
    ['confidential', '(nothing)', 'client_secret_basic'],
  ])('ignores the requested method: a %s client asking for %s gets %s', async (confidentiality, asked, expected) => {
    const created = await t.post(appsPath(), oidcApp({ confidentiality, pkce: 's256', ...(asked !== '(nothing)' ? { token_endpoint_auth_method: asked } : {}) }));
    expect(created.status).toBe(200);
    expect(created.body.protocol_config.token_endpoint_auth_method).toBe(expected);
    expect((await t.get(`${appsPath()}/${created.body.id}`)).body.protocol_config.token_endpoint_auth_method).toBe(expected);
    const listed = (await t.get(appsPath())).body.applications.find((a: { id: string }) => a.id === created.body.id);
    expect(listed.protocol_config.token_endpoint_auth_method).toBe(expected);
    // Nor does a PATCH change it.
    const patched = await t.patch(`${appsPath()}/${created.body.id}`, { application: { protocol_config: { token_endpoint_auth_method: asked === 'none' ? 'client_secret_post' : 'none' } } });
    expect(patched.status).toBe(200);
    expect(patched.body.protocol_config.token_endpoint_auth_method).toBe(expected);
  });

  it('shows the method the spec fixes even for a row stored with another one', async () => {
    const created = (await t.post(appsPath(), oidcApp({ confidentiality: 'public', pkce: 's256' }))).body;
    const stored = t.cloud.deps.repos.applications.get(t.tenant.realm_id, created.id)!;
    t.cloud.deps.repos.applications.update({ ...stored, protocol_config: { ...stored.protocol_config!, token_endpoint_auth_method: 'client_secret_basic' } }, new Date());
    expect((await t.get(`${appsPath()}/${created.id}`)).body.protocol_config.token_endpoint_auth_method).toBe('none');
  });

  it('leaves PKCE disabled when pkce is blank, and keeps what is asked for', async () => {
    const blank = await t.post(appsPath(), oidcApp());
    expect(blank.body.protocol_config.pkce).toBe('disabled');
    for (const pkce of ['disabled', 'plain', 's256']) {
      const created = await t.post(appsPath(), oidcApp({ pkce }));
      expect(created.status).toBe(200);
      expect(created.body.protocol_config.pkce).toBe(pkce);
    }
  });

  it.each([
    ['left blank', {}],
    ['disabled', { pkce: 'disabled' }],
  ])('refuses a public client with PKCE %s (400 naming pkce), and accepts plain or s256', async (_what, pkce) => {
    for (const type of ['oidc', 'oauth2']) {
      const refused = await t.post(appsPath(), oidcApp({ type, confidentiality: 'public', allowed_scopes: [], ...pkce }));
      expect(refused.status).toBe(400);
      expect(violatedFields(refused.body)).toEqual(['application.protocol_config.pkce']);
    }
    expect((await t.get(appsPath())).body.total_size).toBe(2);
    for (const value of ['plain', 's256']) {
      expect((await t.post(appsPath(), oidcApp({ confidentiality: 'public', pkce: value }))).status).toBe(200);
    }
  });

  it('judges PKCE on the merged result of an update', async () => {
    const app = (await t.post(appsPath(), oidcApp())).body;
    const toPublic = await t.patch(`${appsPath()}/${app.id}`, { application: { protocol_config: { confidentiality: 'public' } } });
    expect(toPublic.status).toBe(400);
    expect(violatedFields(toPublic.body)).toEqual(['application.protocol_config.pkce']);
    expect((await t.get(`${appsPath()}/${app.id}`)).body.protocol_config.confidentiality).toBe('confidential');

    const publicApp = (await t.post(appsPath(), oidcApp({ confidentiality: 'public', pkce: 's256' }))).body;
    const disable = await t.patch(`${appsPath()}/${publicApp.id}`, { application: { protocol_config: { pkce: 'disabled' } } });
    expect(disable.status).toBe(400);
    expect(violatedFields(disable.body)).toEqual(['application.protocol_config.pkce']);
    expect((await t.get(`${appsPath()}/${publicApp.id}`)).body.protocol_config.pkce).toBe('s256');
  });
});

describe('changing confidentiality', () => {
  /** A public client-credentials-capable app with a resource server, so a secret, once issued, can mint a token. */
  async function publicMachineApp() {
    const created = await t.post(appsPath(), {
      application: {
        display_name: 'Sync job',
        resource_server_id: await managementResourceServerId(),
        protocol_config: { type: 'oauth2', confidentiality: 'public', pkce: 's256', grant_type: ['client_credentials'], allowed_scopes: ['identities:read'] },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.protocol_config.client_secret).toBeUndefined();
    return created.body;
  }

  it('issues a new secret when a public client becomes confidential: returned once, stored hashed, and it authenticates', async () => {
    const app = await publicMachineApp();
    const updated = await t.patch(`${appsPath()}/${app.id}`, { application: { protocol_config: { confidentiality: 'confidential' } } });
    expect(updated.status).toBe(200);
    const secret = updated.body.protocol_config.client_secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(updated.body.protocol_config).toMatchObject({ confidentiality: 'confidential', token_endpoint_auth_method: 'client_secret_basic', client_id: app.protocol_config.client_id });
    expect(t.cloud.deps.repos.applications.get(t.tenant.realm_id, app.id)!.client_secret_hash).toBe(hashSecret(secret));

    const { client_secret: _secret, ...withoutSecret } = updated.body.protocol_config;
    const got = await t.get(`${appsPath()}/${app.id}`);
    expect(got.body).toEqual({ ...updated.body, protocol_config: withoutSecret });
    expect(JSON.stringify((await t.get(appsPath())).body)).not.toContain(secret);

    const minted = await clientCredentials(app.id, app.protocol_config.client_id, secret, 'identities:read');
    expect(minted.status).toBe(200);
    expect((await t.get(`${t.realmPath()}/identities`, { token: minted.body.access_token! })).status).toBe(200);
    expect((await clientCredentials(app.id, app.protocol_config.client_id, 'not-the-secret')).status).toBe(401);

    // A later PATCH neither returns nor replaces the secret.
    const renamed = await t.patch(`${appsPath()}/${app.id}`, { application: { display_name: 'Renamed', protocol_config: { confidentiality: 'confidential' } } });
    expect(renamed.body.protocol_config.client_secret).toBeUndefined();
    expect(t.cloud.deps.repos.applications.get(t.tenant.realm_id, app.id)!.client_secret_hash).toBe(hashSecret(secret));

    const audit = t.cloud.deps.repos.audit.list(t.tenant.tenant_id).filter((e) => e.resource_id === app.id && e.action === 'application.update');
    expect(audit.map((e) => e.detail)).toEqual([{ fields: ['display_name', 'protocol_config'] }, { fields: ['protocol_config'], client_secret: 'issued' }]);
  });

  it('drops the secret hash when a confidential client becomes public, and the old secret stops working', async () => {
    const { app } = await machineAppWithToken();
    expect(t.cloud.deps.repos.applications.get(t.tenant.realm_id, app.id)!.client_secret_hash).toBeDefined();
    const updated = await t.patch(`${appsPath()}/${app.id}`, { application: { protocol_config: { confidentiality: 'public', pkce: 's256' } } });
    expect(updated.status).toBe(200);
    expect(updated.body.protocol_config).toMatchObject({ confidentiality: 'public', token_endpoint_auth_method: 'none' });
    expect(updated.body.protocol_config.client_secret).toBeUndefined();
    expect(t.cloud.deps.repos.applications.get(t.tenant.realm_id, app.id)!.client_secret_hash).toBeUndefined();
    expect((await clientCredentials(app.id, app.protocol_config.client_id, app.protocol_config.client_secret, 'identities:read')).status).toBe(401);
    const audit = t.cloud.deps.repos.audit.list(t.tenant.tenant_id).find((e) => e.resource_id === app.id && e.action === 'application.update');
    expect(audit?.detail).toEqual({ fields: ['protocol_config'], client_secret: 'removed' });

    // And back: a fresh secret, never the old one.
    const back = await t.patch(`${appsPath()}/${app.id}`, { application: { protocol_config: { confidentiality: 'confidential' } } });
    expect(back.body.protocol_config.client_secret).toEqual(expect.any(String));
    expect(back.body.protocol_config.client_secret).not.toBe(app.protocol_config.client_secret);
  });
});

describe('an application is granted only scopes its creator holds', () => {
  const machine = (server: string, scopes: string[], extra: Record<string, unknown> = {}) => ({
    application: {
      display_name: 'Escalate',
      resource_server_id: server,
      protocol_config: { type: 'oauth2', grant_type: ['client_credentials'], allowed_scopes: scopes, ...extra },
    },
  });

  it('refuses with 403 a create that lists scopes the token lacks, and creates nothing', async () => {
    const server = await managementResourceServerId();
    const token = await t.tokenWith(['applications:create', 'identities:read']);
    const before = (await t.get(appsPath())).body.total_size;
    const refused = await t.post(appsPath(), machine(server, ['identities:read', 'identities:delete', 'tenants:update']), { token });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/identities:delete tenants:update/);
    expect((await t.get(appsPath())).body.total_size).toBe(before);
    // Within the token's own scopes, it is fine.
    expect((await t.post(appsPath(), machine(server, ['identities:read']), { token })).status).toBe(200);
  });

  it('refuses with 403 an update that adds scopes the token lacks, or issues a secret for them, and changes nothing', async () => {
    const server = await managementResourceServerId();
    const created = await t.post(appsPath(), machine(server, ['identities:delete'], { confidentiality: 'public', pkce: 's256' }));
    expect(created.status).toBe(200);
    const path = `${appsPath()}/${created.body.id}`;
    const token = await t.tokenWith(['applications:update', 'applications:read', 'identities:read']);
    // A secret would mint identities:delete, which this token does not hold.
    const secret = await t.patch(path, { application: { protocol_config: { confidentiality: 'confidential' } } }, { token });
    expect(secret.status).toBe(403);
    const added = await t.patch(path, { application: { protocol_config: { allowed_scopes: ['identities:delete', 'tenants:update'] } } }, { token });
    expect(added.status).toBe(403);
    expect((await t.get(path)).body).toEqual(created.body);
    // Scopes it holds may be added; scopes already there may stay.
    const ok = await t.patch(path, { application: { protocol_config: { allowed_scopes: ['identities:delete', 'identities:read'] } } }, { token });
    expect(ok.status).toBe(200);
  });
});
