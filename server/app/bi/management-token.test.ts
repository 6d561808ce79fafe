import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fakeFetch, json, type FakeRequest } from '../test/fake-fetch';
import { createBiClient } from './client';
import { BiError } from './errors';
import { createBiHttp } from './http';
import { APP_SCOPES, clientCredentialsToken, staticToken } from './management-token';

const TOKEN_URL = 'https://auth.example.test/v1/tenants/t1/realms/r1/applications/mgmt1/token';

/** A token endpoint that mints `tok-1`, `tok-2`, … living `expiresIn` seconds, and an API that accepts `valid` tokens. */
function fakeCloud(options: { expiresIn?: number; valid?: (token: string) => boolean; tokenStatus?: () => number } = {}) {
  let minted = 0;
  const fetch = fakeFetch((request: FakeRequest) => {
    if (request.url.href === TOKEN_URL) {
      const status = options.tokenStatus?.() ?? 200;
      if (status !== 200) return json(status, { error: 'invalid_client', error_description: 'client authentication failed' });
      minted++;
      return json(200, { access_token: `tok-${minted}`, token_type: 'Bearer', expires_in: options.expiresIn ?? 3600, scope: APP_SCOPES.join(' ') });
    }
    const token = request.headers.get('authorization')!.replace(/^Bearer /, '');
    if (options.valid && !options.valid(token)) return json(401, { code: 'unauthorized', message: 'unauthorized' });
    return json(200, { id: 'i1', token });
  });
  const tokenCalls = () => fetch.calls.filter((c) => c.url.href === TOKEN_URL);
  const apiCalls = () => fetch.calls.filter((c) => c.url.href !== TOKEN_URL);
  return { fetch, tokenCalls, apiCalls };
}

function setup(options: Parameters<typeof fakeCloud>[0] = {}) {
  const cloud = fakeCloud(options);
  let now = Date.parse('2030-01-01T00:00:00Z');
  const token = clientCredentialsToken({
    authBaseUrl: 'https://auth.example.test',
    tenantId: 't1',
    realmId: 'r1',
    applicationId: 'mgmt1',
    clientId: 'client id',
    clientSecret: 's3cret:with/chars',
    fetch: cloud.fetch,
    clock: () => new Date(now),
  });
  const http = createBiHttp({ apiBaseUrl: 'https://api.example.test', tenantId: 't1', realmId: 'r1', token, fetch: cloud.fetch });
  const getIdentity = () => http.management('GetIdentity', 'GET', '/identities/i1', z.object({ token: z.string() }));
  return { ...cloud, token, getIdentity, advance: (ms: number) => (now += ms) };
}

describe('client credentials token', () => {
  it('asks the token endpoint with HTTP Basic (form-encoded halves), the client_credentials grant and only the scopes it needs', async () => {
    const t = setup();
    expect(await t.token.get()).toBe('tok-1');
    const [call] = t.tokenCalls();
    expect(call!.method).toBe('POST');
    expect(call!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const basic = Buffer.from(call!.headers.get('authorization')!.replace(/^Basic /, ''), 'base64').toString();
    expect(basic).toBe('client%20id:s3cret%3Awith%2Fchars');
    expect(Object.fromEntries(new URLSearchParams(call!.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'identities:create identities:read credential-binding-jobs:create credential-binding-jobs:read credentials:read credentials:revoke',
    });
  });

  it('caches the token until a minute before it expires, then renews it', async () => {
    const t = setup({ expiresIn: 3600 });
    expect(await t.token.get()).toBe('tok-1');
    t.advance(3600_000 - 60_001);
    expect(await t.token.get()).toBe('tok-1');
    expect(t.tokenCalls()).toHaveLength(1);
    t.advance(2);
    expect(await t.token.get()).toBe('tok-2');
    expect(t.tokenCalls()).toHaveLength(2);
  });

  it('renews a short-lived token at half its life', async () => {
    const t = setup({ expiresIn: 60 });
    await t.token.get();
    t.advance(29_999);
    expect(await t.token.get()).toBe('tok-1');
    t.advance(2);
    expect(await t.token.get()).toBe('tok-2');
  });

  it('shares one in-flight request among concurrent callers', async () => {
    const t = setup();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => t.token.get()));
    expect(new Set(tokens)).toEqual(new Set(['tok-1']));
    expect(t.tokenCalls()).toHaveLength(1);
    await Promise.all(Array.from({ length: 10 }, () => t.getIdentity()));
    expect(t.tokenCalls()).toHaveLength(1);
    expect(t.apiCalls()).toHaveLength(10);
  });

  it('a failed token request fails its callers, and the next call tries again', async () => {
    let status = 401;
    const t = setup({ tokenStatus: () => status });
    const results = await Promise.allSettled([t.token.get(), t.token.get()]);
    expect(t.tokenCalls()).toHaveLength(1);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as BiError;
      expect(error).toBeInstanceOf(BiError);
      expect(error.code).toBe('unauthorized');
      expect(error.upstream).toEqual({ operation: 'IssueToken', status: 401, code: 'invalid_client', message: 'client authentication failed' });
    }
    status = 200;
    expect(await t.token.get()).toBe('tok-1');
  });

  it('on a 401 from the API, drops the cached token and retries once with a new one', async () => {
    const t = setup({ valid: (token) => token !== 'tok-1' });
    expect(await t.getIdentity()).toEqual({ token: 'tok-2' });
    expect(t.tokenCalls()).toHaveLength(2);
    expect(t.apiCalls().map((c) => c.headers.get('authorization'))).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    // The new token is cached: no more minting.
    await t.getIdentity();
    expect(t.tokenCalls()).toHaveLength(2);
  });

  it('retries only once: a second 401 is unauthorized', async () => {
    const t = setup({ valid: () => false });
    const error = await t.getIdentity().catch((e: unknown) => e as BiError);
    expect(error).toBeInstanceOf(BiError);
    expect((error as BiError).code).toBe('unauthorized');
    expect(t.apiCalls()).toHaveLength(2);
    expect(t.tokenCalls()).toHaveLength(2);
  });

  it('concurrent 401s with the same old token cause one renewal, not one each', async () => {
    const t = setup({ valid: (token) => token !== 'tok-1' });
    await t.token.get();
    const results = await Promise.all(Array.from({ length: 5 }, () => t.getIdentity()));
    expect(results.every((r) => r.token === 'tok-2')).toBe(true);
    expect(t.tokenCalls()).toHaveLength(2);
  });

  it('a static BI_API_TOKEN is never renewed nor retried', async () => {
    const fetch = fakeFetch(() => json(401, { code: 'unauthorized', message: 'unauthorized' }));
    const http = createBiHttp({ apiBaseUrl: 'https://api.example.test', tenantId: 't1', realmId: 'r1', token: staticToken('fixed'), fetch });
    const error = await http.management('GetIdentity', 'GET', '/identities/i1', z.object({})).catch((e: unknown) => e as BiError);
    expect((error as BiError).code).toBe('unauthorized');
    expect(fetch.calls).toHaveLength(1);
    expect(fetch.calls[0]!.headers.get('authorization')).toBe('Bearer fixed');
  });

  it("createBiClient mints at the management application's own realm (e.g. the admin realm), and calls the API in the identities' realm", async () => {
    const fetch = fakeFetch((request: FakeRequest) =>
      request.url.pathname.endsWith('/token')
        ? json(200, { access_token: 'tok-admin', token_type: 'Bearer', expires_in: 3600 })
        : json(200, { id: 'i1', display_name: 'Ann', traits: { type: 'traits_v0', username: 'ann' } }),
    );
    const client = createBiClient(
      {
        apiBaseUrl: 'https://api.example.test',
        authBaseUrl: 'https://auth.example.test',
        tenantId: 't1',
        realmId: 'r1',
        applicationId: 'app1',
        authenticatorConfigId: 'ac1',
        management: { kind: 'client', realmId: 'admin1', applicationId: 'mgmt1', clientId: 'cid', clientSecret: 'secret' },
      },
      { fetch },
    );
    await client.identities.get('i1');
    expect(fetch.calls.map((c) => c.url.href)).toEqual([
      'https://auth.example.test/v1/tenants/t1/realms/admin1/applications/mgmt1/token',
      'https://api.example.test/v1/tenants/t1/realms/r1/identities/i1',
    ]);
    expect(fetch.calls[1]!.headers.get('authorization')).toBe('Bearer tok-admin');
  });
});
