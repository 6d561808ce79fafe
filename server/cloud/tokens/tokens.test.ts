import { beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, newId, newSecret } from '../../lib/ids';
import { MANAGEMENT_SCOPES } from '../auth/scopes';
import { createTestCloud, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const tokenPath = () => `${t.realmPath()}/applications/${t.tenant.management.application_id}/token`;
const tokensPath = () => `${t.realmPath()}/applications/${t.tenant.management.application_id}/tokens`;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** Calls the token endpoint with a form body; Basic auth with the management client unless `headers` says otherwise. */
async function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await t.cloud.app.request(tokenPath(), {
    method: 'POST',
    headers: {
      authorization: basic(t.tenant.management.client_id, t.tenant.management.client_secret),
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const identitiesPath = () => `${t.realmPath()}/identities`;

describe('token endpoint', () => {
  it('issues a bearer token with Basic client authentication', async () => {
    const issued = await tokenRequest({ grant_type: 'client_credentials', scope: 'identities:read identities:create' });
    expect(issued.status).toBe(200);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect(issued.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 90 * 24 * 3600,
      scope: 'identities:read identities:create',
    });
    const token = issued.body.access_token as string;
    expect((await t.get(identitiesPath(), { token })).status).toBe(200);
    // The token carries only the scopes asked for.
    expect((await t.get(`/v1/tenants/${t.tenant.tenant_id}`, { token })).status).toBe(403);
  });

  it('accepts client_secret_post', async () => {
    const issued = await tokenRequest(
      { grant_type: 'client_credentials', scope: 'identities:read', client_id: t.tenant.management.client_id, client_secret: t.tenant.management.client_secret },
      { authorization: '' },
    );
    expect(issued.status).toBe(200);
    expect(issued.body.scope).toBe('identities:read');
    expect((await t.get(identitiesPath(), { token: issued.body.access_token as string })).status).toBe(200);
  });

  it('grants every allowed scope when none is asked for', async () => {
    const issued = await tokenRequest({ grant_type: 'client_credentials' });
    expect(issued.status).toBe(200);
    expect((issued.body.scope as string).split(' ')).toEqual([...MANAGEMENT_SCOPES]);
  });

  it.each([
    ['a wrong secret', () => ({ authorization: basic(t.tenant.management.client_id, 'wrong') })],
    ['an unknown client', () => ({ authorization: basic('nobody', t.tenant.management.client_secret) })],
    ['another application credentials', () => ({ authorization: basic(t.tenant.app.client_id, t.tenant.app.client_secret) })],
    ['no credentials', () => ({ authorization: '' })],
  ])('answers 401 invalid_client for %s', async (_what, headers) => {
    const refused = await tokenRequest({ grant_type: 'client_credentials' }, headers());
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 400 unsupported_grant_type for another grant', async () => {
    // authorization_code is the OIDC sign-in's grant: see server/cloud/oidc/oidc.test.ts.
    for (const form of [{ grant_type: 'password' }, { grant_type: 'implicit' }, {} as Record<string, string>]) {
      const refused = await tokenRequest(form);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('unsupported_grant_type');
    }
  });

  it('answers 400 invalid_scope for a scope the application may not grant', async () => {
    const refused = await tokenRequest({ grant_type: 'client_credentials', scope: 'identities:read admin:everything' });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_scope', error_description: 'scope not allowed: admin:everything' });
  });

  it('shortens the lifetime to expiration_time, and the token stops working after it', async () => {
    const issued = await tokenRequest({ grant_type: 'client_credentials', scope: 'identities:read', expiration_time: '60' });
    expect(issued.status).toBe(200);
    expect(issued.body.expires_in).toBe(60);
    const token = issued.body.access_token as string;
    t.advance(59_000);
    expect((await t.get(identitiesPath(), { token })).status).toBe(200);
    t.advance(1_000);
    const expired = await t.get(identitiesPath(), { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ code: 'unauthorized', message: 'unauthorized' });
  });

  it('never lengthens the lifetime beyond the application one, and refuses a non-numeric expiration_time', async () => {
    const capped = await tokenRequest({ grant_type: 'client_credentials', expiration_time: String(365 * 24 * 3600) });
    expect(capped.body.expires_in).toBe(90 * 24 * 3600);
    const bad = await tokenRequest({ grant_type: 'client_credentials', expiration_time: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_request');
  });
});

describe('scopes of an application without a resource server', () => {
  /**
   * A row as the old CreateApplication stored it: management scopes and no
   * resource server (the API now refuses that body, so it is inserted directly).
   */
  function legacyApp() {
    const secret = newSecret(36);
    const app = {
      id: newId(), tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, display_name: 'Old sync job', is_managed: false,
      protocol_config: {
        type: 'oauth2' as const, allowed_scopes: [...MANAGEMENT_SCOPES], client_id: newSecret(18),
        confidentiality: 'confidential' as const, grant_type: ['client_credentials' as const],
      },
      client_secret_hash: hashSecret(secret),
    };
    t.cloud.deps.repos.applications.insert(app, new Date());
    const request = async (form: Record<string, string>) => {
      const response = await t.cloud.app.request(`${t.realmPath()}/applications/${app.id}/token`, {
        method: 'POST',
        headers: { authorization: basic(app.protocol_config.client_id, secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    return { app, request };
  }

  it('grants none of its allowed_scopes: asked for, they are refused with invalid_scope', async () => {
    const { request } = legacyApp();
    const refused = await request({ grant_type: 'client_credentials', scope: 'identities:read applications:create' });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'invalid_scope', error_description: 'scope not allowed: identities:read applications:create' });
    expect(t.db.prepare('SELECT count(*) FROM api_tokens').pluck().get()).toBe(1);
  });

  it('issues, when no scope is asked for, a token with no scope that opens nothing', async () => {
    const { request } = legacyApp();
    const issued = await request({ grant_type: 'client_credentials' });
    expect(issued.status).toBe(200);
    expect(issued.body.scope).toBe('');
    const token = issued.body.access_token as string;
    expect((await t.get(identitiesPath(), { token })).status).toBe(403);
    expect((await t.post(`${t.realmPath()}/applications`, { application: { display_name: 'x', protocol_config: { type: 'oidc' } } }, { token })).status).toBe(403);
  });
});

describe('ListTokens and RevokeToken', () => {
  it('lists a token by suffix and scopes, never the token itself', async () => {
    const issued = await tokenRequest({ grant_type: 'client_credentials', scope: 'identities:read tokens:read', display_name: 'ci' });
    const accessToken = issued.body.access_token as string;
    const list = await t.get(tokensPath());
    expect(list.status).toBe(200);
    expect(list.body.total_size).toBe(2);
    const listed = list.body.tokens.find((x: { token_suffix: string }) => x.token_suffix === accessToken.slice(-8));
    expect(listed).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      display_name: 'ci',
      scopes: ['identities:read', 'tokens:read'],
      token_suffix: accessToken.slice(-8),
      token_format: 'referential',
      expires: listed.issued_at + 90 * 24 * 3600,
      issued_at: expect.any(Number),
      token_type: 'access',
    });
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(accessToken);
    expect(text).not.toContain(t.tenant.management.api_token);
  });

  it('lists at most 100 tokens per page, with the true total_size and a page token', async () => {
    // Regression: total_size was the length of a LIMIT 100 page, and no page token followed.
    const now = new Date();
    for (let i = 0; i < 104; i++) {
      t.cloud.deps.repos.tokens.issue({
        tenantId: t.tenant.tenant_id, realmId: t.tenant.realm_id, applicationId: t.tenant.management.application_id,
        scopes: ['identities:read'], lifetimeSeconds: 3600, now,
      });
    }
    const first = await t.get(tokensPath());
    expect(first.body.tokens).toHaveLength(100);
    expect(first.body.total_size).toBe(105);
    expect(typeof first.body.next_page_token).toBe('string');
    const rest = await t.get(`${tokensPath()}?page_token=${first.body.next_page_token}`);
    expect(rest.body.tokens).toHaveLength(5);
    expect(rest.body.total_size).toBe(105);
    expect(rest.body.next_page_token).toBeUndefined();
    const ids = new Set([...first.body.tokens, ...rest.body.tokens].map((x: { id: string }) => x.id));
    expect(ids.size).toBe(105);
  });

  it('leaves expired tokens out of the list', async () => {
    await tokenRequest({ grant_type: 'client_credentials', expiration_time: '30' });
    expect((await t.get(tokensPath())).body.total_size).toBe(2);
    t.advance(31_000);
    expect((await t.get(tokensPath())).body.total_size).toBe(1);
  });

  it('revokes a token: it then gets 401 and leaves the list', async () => {
    const issued = await tokenRequest({ grant_type: 'client_credentials', scope: 'identities:read' });
    const token = issued.body.access_token as string;
    expect((await t.get(identitiesPath(), { token })).status).toBe(200);
    const listed = (await t.get(tokensPath())).body.tokens.find((x: { token_suffix: string }) => x.token_suffix === token.slice(-8));

    const revoked = await t.del(`${tokensPath()}/${listed.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toBeUndefined();
    const after = await t.get(identitiesPath(), { token });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ code: 'unauthorized', message: 'unauthorized' });
    const ids = (await t.get(tokensPath())).body.tokens.map((x: { id: string }) => x.id);
    expect(ids).not.toContain(listed.id);
    // Revoking again is harmless; the seeded token still works.
    expect((await t.del(`${tokensPath()}/${listed.id}`)).status).toBe(200);
    expect((await t.get(identitiesPath())).status).toBe(200);
  });

  it('answers 404 for an unknown token id, and for an unknown application', async () => {
    const unknown = newId();
    const missing = await t.del(`${tokensPath()}/${unknown}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      code: 'not_found',
      message: 'token not found',
      details: [{ type: 'ResourceInfo', resource_type: 'Token', id: unknown, description: 'token not found' }],
    });
    const noApp = await t.get(`${t.realmPath()}/applications/${unknown}/tokens`);
    expect(noApp.status).toBe(404);
    expect(noApp.body.details[0]).toMatchObject({ resource_type: 'Application', id: unknown });
  });

  it('does not revoke a token through another application', async () => {
    const list = (await t.get(tokensPath())).body.tokens;
    const seededId = list[0].id as string;
    const wrongApp = await t.del(`${t.realmPath()}/applications/${t.tenant.app.application_id}/tokens/${seededId}`);
    expect(wrongApp.status).toBe(404);
    expect((await t.get(identitiesPath())).status).toBe(200);
  });
});
