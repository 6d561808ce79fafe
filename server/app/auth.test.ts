import { createHash } from 'node:crypto';
import { generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { buildApp } from './app';
import type { AppConfig } from './config';
import { allowsHttp } from './oidc/client';
import { fakeFetch, json, type FakeRequest } from './test/fake-fetch';
import { sessionCookieFor } from './test/session-cookie';

// Sign-in (/auth/*) against a fake OIDC provider (the `fetch` seam), for the
// failure paths a real cloud will not produce on demand. The whole flow with
// the real local cloud and a real passkey proof is test/app-sign-in.test.ts.

const AUTH = 'https://auth.example.test';
const ISSUER = `${AUTH}/v1/tenants/t1/realms/r1/applications/app1`;
const API = 'https://api.example.test/v1/tenants/t1/realms/r1';
const APP = 'http://localhost:3000';
const REDIRECT_URI = `${APP}/auth/callback`;

const config: AppConfig = {
  port: 0,
  publicUrl: APP,
  sessionSecret: 's'.repeat(40),
  allowedDomains: ['api.example.test'],
  bi: {
    apiBaseUrl: 'https://api.example.test',
    authBaseUrl: AUTH,
    tenantId: 't1',
    realmId: 'r1',
    applicationId: 'app1',
    authenticatorConfigId: 'ac1',
    management: { kind: 'token', apiToken: 'MGMT-TOKEN' },
    signIn: { clientId: 'the client', clientSecret: 'the:secret', tokenEndpointAuthMethod: 'client_secret_basic' },
  },
};

let signingKey: CryptoKey;
beforeAll(async () => {
  ({ privateKey: signingKey } = await generateKeyPair('RS256'));
});

const metadata = (issuer = ISSUER) => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  userinfo_endpoint: `${issuer}/userinfo`,
  jwks_uri: `${issuer}/.well-known/jwks.json`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  code_challenge_methods_supported: ['S256'],
});

const ANN = { preferred_username: 'ann', name: 'Ann Example', email: 'ann@example.com' };

interface Options {
  config?: AppConfig;
  clock?: () => Date;
  /** Replaces the discovery answer. */
  discovery?: (request: FakeRequest) => Response | Promise<Response>;
  /** Changes the ID token's claims (`undefined` drops one); `null`: no ID token at all. */
  idToken?: ((claims: JWTPayload) => JWTPayload) | null;
  /** Replaces the token endpoint's answer (after its checks pass). */
  token?: (request: FakeRequest) => Response | Promise<Response>;
  userinfo?: (request: FakeRequest) => Response | Promise<Response>;
  identity?: (request: FakeRequest) => Response | Promise<Response>;
}

/** The app, and a fake Beyond Identity that checks the token request as the real one does. */
function setup(options: Options = {}) {
  const appConfig = options.config ?? config;
  const issuer = `${appConfig.bi.authBaseUrl}/v1/tenants/t1/realms/r1/applications/app1`;
  const lines: Record<string, any>[] = [];
  const log = createLogger({}, { write: (line) => lines.push(JSON.parse(line)) });
  /** What the last /auth/login sent to authorize. */
  const sent = { challenge: '', nonce: '' };

  const fetch = fakeFetch(async (request) => {
    const url = request.url.href;
    if (url === `${issuer}/.well-known/openid-configuration`) return options.discovery ? options.discovery(request) : json(200, metadata(issuer));
    if (url === `${issuer}/token`) {
      const form = new URLSearchParams(request.body);
      const verifier = form.get('code_verifier') ?? '';
      if (
        form.get('grant_type') !== 'authorization_code' ||
        form.get('code') !== 'the-code' ||
        form.get('redirect_uri') !== `${appConfig.publicUrl}/auth/callback` ||
        createHash('sha256').update(verifier).digest('base64url') !== sent.challenge
      ) {
        return json(400, { error: 'invalid_grant', error_description: 'the code, verifier or redirect_uri does not match' });
      }
      if (options.token) return options.token(request);
      const now = Math.floor(Date.now() / 1000);
      const base: JWTPayload = { iss: issuer, sub: 'i1', aud: 'the client', iat: now, exp: now + 3600, nonce: sent.nonce, ...ANN };
      const claims = options.idToken === null ? undefined : (options.idToken ?? ((c) => c))(base);
      const idToken = claims
        ? await new SignJWT(Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as JWTPayload)
            .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
            .sign(signingKey)
        : undefined;
      return json(200, { access_token: 'ACCESS-TOKEN', token_type: 'Bearer', expires_in: 3600, ...(idToken ? { id_token: idToken } : {}) });
    }
    if (url === `${issuer}/userinfo`) return options.userinfo ? options.userinfo(request) : json(200, { sub: 'i1', ...ANN });
    if (url === `${API}/identities/i1`) {
      return options.identity
        ? options.identity(request)
        : json(200, { id: 'i1', display_name: 'Ann Example', traits: { type: 'traits_v0', username: 'ann', primary_email_address: 'ann@example.com' } });
    }
    return json(404, { code: 'not_found', message: `no fake for ${url}` });
  });
  const app = buildApp({ config: appConfig, log, distDir: '/nonexistent', fetch, ...(options.clock ? { clock: options.clock } : {}) });

  /** `GET /auth/login`: the authorize URL, its state, and the OIDC cookie to send back. */
  async function login(returnTo?: string) {
    const response = await app.request(returnTo === undefined ? '/auth/login' : `/auth/login?return_to=${encodeURIComponent(returnTo)}`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    sent.challenge = location.searchParams.get('code_challenge') ?? '';
    sent.nonce = location.searchParams.get('nonce') ?? '';
    const setCookie = response.headers.getSetCookie().find((c) => /^(__Host-)?bindery_oidc=/.test(c));
    return { response, location, state: location.searchParams.get('state')!, cookie: setCookie?.split(';')[0], setCookie };
  }

  const callback = (query: string, cookie?: string) => app.request(`/auth/callback?${query}`, { headers: cookie ? { cookie } : {} });
  const calls = (suffix: string) => fetch.calls.filter((c) => c.url.pathname.endsWith(suffix));
  return { app, fetch, lines, login, callback, calls, issuer };
}

type Setup = ReturnType<typeof setup>;

const annSession = () => sessionCookieFor({ identity_id: 'i1', username: 'ann', display_name: 'Ann' }, { secret: config.sessionSecret, publicUrl: config.publicUrl });

/** The redirect to `/?sign_in_error=<code>`: no session, OIDC cookie cleared, the cause logged under the request id. */
function expectFailure(t: Setup, response: Response, code: 'denied' | 'expired' | 'failed') {
  expect(response.status).toBe(302);
  expect(response.headers.get('location')).toBe(`/?sign_in_error=${code}`);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const cookies = response.headers.getSetCookie();
  expect(cookies.some((c) => /bindery_session=[^;]/.test(c))).toBe(false);
  const logged = t.lines.filter((l) => l.message === 'sign-in failed').at(-1);
  expect(logged).toMatchObject({ level: 'warn', requestId: response.headers.get('x-request-id'), code });
  expect(logged!.requestId).toMatch(/^[0-9a-f]{16}$/);
  // Nothing secret in the log: not the code, the client secret, nor the access token.
  const all = JSON.stringify(t.lines);
  for (const secret of ['the-code', 'the:secret', 'ACCESS-TOKEN']) expect(all).not.toContain(secret);
}

function sessionOf(response: Response): string | undefined {
  return response.headers
    .getSetCookie()
    .find((c) => /^bindery_session=[^;]/.test(c))
    ?.split(';')[0];
}

describe('GET /auth/login', () => {
  it('302s to the discovered authorize endpoint with PKCE S256, state and nonce, keeping them in a 10-minute signed httpOnly cookie', async () => {
    const t = setup();
    const { response, location, cookie, setCookie } = await t.login('/passkeys');
    expect(`${location.origin}${location.pathname}`).toBe(`${ISSUER}/authorize`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_id: 'the client',
      response_type: 'code',
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(setCookie).toMatch(/^bindery_oidc=[^;]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    // The verifier never leaves the backend in clear: not in the URL (only its hash).
    const payload = JSON.parse(Buffer.from(decodeURIComponent(cookie!.split('=')[1]!).split('.')[0]!, 'base64url').toString());
    expect(payload).toMatchObject({ state: location.searchParams.get('state'), nonce: location.searchParams.get('nonce'), returnTo: '/passkeys' });
    expect(location.href).not.toContain(payload.verifier);
    expect(createHash('sha256').update(payload.verifier).digest('base64url')).toBe(location.searchParams.get('code_challenge'));
    expect(t.fetch.calls.map((c) => c.url.href)).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
  });

  it('each login gets its own verifier, state and nonce', async () => {
    const t = setup();
    const a = await t.login();
    const b = await t.login();
    for (const name of ['state', 'nonce', 'code_challenge']) expect(a.location.searchParams.get(name)).not.toBe(b.location.searchParams.get(name));
  });

  it('behind an https public URL the cookie is __Host- prefixed and Secure, and the flow completes with it', async () => {
    const https = { ...config, publicUrl: 'https://app.example.com' };
    const t = setup({ config: https });
    const { location, setCookie, cookie, state } = await t.login('/passkeys');
    expect(location.searchParams.get('redirect_uri')).toBe('https://app.example.com/auth/callback');
    expect(setCookie).toMatch(/^__Host-bindery_oidc=[^;]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const done = await t.callback(`code=the-code&state=${state}`, cookie);
    expect(done.headers.get('location')).toBe('/passkeys');
    expect(done.headers.getSetCookie().some((c) => /^__Host-bindery_session=[^;]+;.*Secure/.test(c))).toBe(true);
    // The token request's redirect_uri is built from APP_PUBLIC_URL, not from the request's host (http://localhost here).
    expect(new URLSearchParams(t.calls('/token')[0]!.body).get('redirect_uri')).toBe('https://app.example.com/auth/callback');
  });

  it('discovers once for concurrent logins; a failed discovery is retried on the next login', async () => {
    let failing = true;
    const t = setup({ discovery: () => (failing ? json(503, { error: 'unavailable' }) : json(200, metadata())) });
    expectFailure(t, await t.app.request('/auth/login'), 'failed');
    failing = false;
    const [a, b, c] = await Promise.all([t.login(), t.login(), t.login()]);
    expect([a, b, c].every((x) => x.location.pathname.endsWith('/authorize'))).toBe(true);
    expect(t.calls('/openid-configuration')).toHaveLength(2);
    await t.login();
    expect(t.calls('/openid-configuration')).toHaveLength(2);
  });

  it('a discovery whose issuer is not the configured one is refused (failed)', async () => {
    const t = setup({ discovery: () => json(200, metadata('https://evil.example/issuer')) });
    expectFailure(t, await t.app.request('/auth/login'), 'failed');
  });

  it('an unreachable cloud is failed, not a 500', async () => {
    const t = setup({ discovery: () => Promise.reject(new TypeError('fetch failed')) });
    expectFailure(t, await t.app.request('/auth/login'), 'failed');
  });

  it('refuses plain http to an issuer that is not loopback, without sending anything', async () => {
    const t = setup({ config: { ...config, bi: { ...config.bi, authBaseUrl: 'http://auth.example.test' } } });
    expectFailure(t, await t.app.request('/auth/login'), 'failed');
    expect(t.fetch.calls).toHaveLength(0);
    expect(JSON.stringify(t.lines.at(-1))).toMatch(/HTTPS/i);
  });

  it.each(['http://localhost:8787', 'http://127.0.0.1:8787', 'http://[::1]:8787'])('allows plain http to the loopback issuer %s', async (authBaseUrl) => {
    const t = setup({ config: { ...config, bi: { ...config.bi, authBaseUrl } } });
    const { location, state, cookie } = await t.login();
    expect(location.href.startsWith(`${authBaseUrl}/v1/tenants/t1/realms/r1/applications/app1/authorize?`)).toBe(true);
    expect((await t.callback(`code=the-code&state=${state}`, cookie)).headers.get('location')).toBe('/');
  });

  it('without the app client configured: /api/config says no sign-in, and /auth/login is failed without any request', async () => {
    const t = setup({ config: { ...config, bi: { ...config.bi, signIn: undefined } } });
    expect(await (await t.app.request('/api/config')).json()).toEqual({ allowed_domains: ['api.example.test'], sign_in: false, tenant_id: 't1', realm_id: 'r1' });
    expectFailure(t, await t.app.request('/auth/login'), 'failed');
    expectFailure(t, await t.callback('code=the-code&state=x'), 'failed');
    expect(t.fetch.calls).toHaveLength(0);
  });
});

describe('allowsHttp', () => {
  it.each([
    ['http://localhost:8787/v1/x', true],
    ['http://127.0.0.1/x', true],
    ['http://[::1]:1/x', true],
    ['https://localhost/x', false], // https needs no allowance
    ['http://localhost.evil.example/x', false],
    ['http://127.0.0.2/x', false],
    ['http://auth.example.test/x', false],
    ['http://0.0.0.0/x', false],
  ])('%s → %s', (url, expected) => {
    expect(allowsHttp(new URL(url))).toBe(expected);
  });
});

describe('GET /auth/callback', () => {
  it('exchanges the code (PKCE, Basic client auth), starts the session from the ID token, and 302s to return_to', async () => {
    const t = setup();
    const { state, cookie } = await t.login('/passkeys?added=1');
    const response = await t.callback(`code=the-code&state=${state}`, cookie);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/passkeys?added=1');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.getSetCookie()).toContain('bindery_oidc=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');

    const [token] = t.calls('/token');
    expect(token!.method).toBe('POST');
    expect(token!.headers.get('authorization')).toBe(`Basic ${Buffer.from('the+client:the%3Asecret').toString('base64')}`);
    const form = Object.fromEntries(new URLSearchParams(token!.body));
    expect(form).toEqual({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: REDIRECT_URI, code_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    // Every claim was in the ID token: no userinfo, no management call; and no JWKS fetch.
    expect(t.fetch.calls.map((c) => c.url.pathname.split('/').at(-1))).toEqual(['openid-configuration', 'token']);

    const me = await t.app.request('/api/me', { headers: { cookie: sessionOf(response)! } });
    expect(await me.json()).toEqual({ identity_id: 'i1', username: 'ann', display_name: 'Ann Example', email: 'ann@example.com' });
  });

  it('with client_secret_post, the client authenticates in the form instead', async () => {
    const t = setup({ config: { ...config, bi: { ...config.bi, signIn: { ...config.bi.signIn!, tokenEndpointAuthMethod: 'client_secret_post' } } } });
    const { state, cookie } = await t.login();
    expect((await t.callback(`code=the-code&state=${state}`, cookie)).headers.get('location')).toBe('/');
    const [token] = t.calls('/token');
    expect(token!.headers.get('authorization')).toBeNull();
    expect(new URLSearchParams(token!.body).get('client_id')).toBe('the client');
    expect(new URLSearchParams(token!.body).get('client_secret')).toBe('the:secret');
  });

  it('an unsafe return_to ends at /', async () => {
    const t = setup();
    const { state, cookie } = await t.login('https://evil.example/');
    expect((await t.callback(`code=the-code&state=${state}`, cookie)).headers.get('location')).toBe('/');
  });

  describe('maps each failure to denied, expired or failed (never a 500), with no session', () => {
    const cases: [string, Options, (s: { state: string }) => string, 'denied' | 'expired' | 'failed', number][] = [
      // [what, fake provider, callback query, code, token requests]
      ['error=access_denied (our state)', {}, ({ state }) => `error=access_denied&error_description=no&state=${state}`, 'denied', 0],
      ['error=server_error (our state)', {}, ({ state }) => `error=server_error&state=${state}`, 'failed', 0],
      ['error=access_denied with another state', {}, () => 'error=access_denied&state=forged', 'failed', 0],
      ['error=access_denied without a state', {}, () => 'error=access_denied', 'failed', 0],
      ['a code with another state', {}, () => 'code=the-code&state=forged', 'failed', 0],
      ['a code without a state', {}, () => 'code=the-code', 'failed', 0],
      ['no code at all', {}, ({ state }) => `state=${state}`, 'failed', 0],
      ['a refused code (invalid_grant)', {}, ({ state }) => `code=another-code&state=${state}`, 'failed', 1],
      ['a token endpoint failing (500)', { token: () => json(500, { error: 'server_error' }) }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
      ['an unreachable token endpoint', { token: () => Promise.reject(new TypeError('fetch failed')) }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
      ['no ID token', { idToken: null }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
      ['an ID token with another nonce', { idToken: (c) => ({ ...c, nonce: 'replayed' }) }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
      ['an ID token without nonce', { idToken: (c) => ({ ...c, nonce: undefined }) }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
      ['an ID token from another issuer', { idToken: (c) => ({ ...c, iss: 'https://evil.example' }) }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
      ['an ID token for another client', { idToken: (c) => ({ ...c, aud: 'someone-else' }) }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
      ['an expired ID token', { idToken: (c) => ({ ...c, iat: Number(c.iat) - 7200, exp: Number(c.iat) - 3600 }) }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
      ['an ID token without sub', { idToken: (c) => ({ ...c, sub: undefined }) }, ({ state }) => `code=the-code&state=${state}`, 'failed', 1],
    ];
    it.each(cases)('%s', async (_what, options, query, code, tokenRequests) => {
      const t = setup(options);
      const { state, cookie } = await t.login('/passkeys');
      const response = await t.callback(query({ state }), cookie);
      expectFailure(t, response, code);
      expect(response.headers.getSetCookie()).toContain('bindery_oidc=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
      expect(t.calls('/token')).toHaveLength(tokenRequests);
    });
  });

  it('expired: no OIDC cookie, a tampered one, another key’s, or one older than 10 minutes; no request is sent', async () => {
    let now = Date.now();
    const t = setup({ clock: () => new Date(now) });
    const { state, cookie } = await t.login();
    const query = `code=the-code&state=${state}`;
    expectFailure(t, await t.callback(query), 'expired');

    const [name, value] = cookie!.split('=') as [string, string];
    const signed = decodeURIComponent(value);
    const payload = JSON.parse(Buffer.from(signed.split('.')[0]!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, returnTo: 'https://evil.example' })).toString('base64url');
    expectFailure(t, await t.callback(query, `${name}=${encodeURIComponent(`${forged}.${signed.split('.')[1]}`)}`), 'expired');
    // A session cookie's value (signed with the session secret) does not pass as a flow: the flow key is derived, not shared.
    const session = (await annSession()).split('=')[1]!;
    expectFailure(t, await t.callback(query, `bindery_oidc=${session}`), 'expired');

    now += 10 * 60_000;
    expectFailure(t, await t.callback(query, cookie), 'expired');
    expect(t.calls('/token')).toHaveLength(0);
    // One second before, it would have worked.
    now -= 1000;
    expect((await t.callback(query, cookie)).headers.get('location')).toBe('/');
  });

  it('a second use of the same callback finds no flow (the first cleared it)', async () => {
    const t = setup();
    const { state, cookie } = await t.login();
    const first = await t.callback(`code=the-code&state=${state}`, cookie);
    expect(sessionOf(first)).toBeDefined();
    expect(first.headers.getSetCookie()).toContain('bindery_oidc=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
    expectFailure(t, await t.callback(`code=the-code&state=${state}`), 'expired');
  });

  describe('claims missing from the ID token', () => {
    const bare = (c: JWTPayload): JWTPayload => ({ ...c, preferred_username: undefined, name: undefined, email: undefined });

    it('are asked of userinfo (with the access token)', async () => {
      const t = setup({ idToken: bare, userinfo: () => json(200, { sub: 'i1', preferred_username: 'ann.u', name: 'Ann U', email: 'u@example.com' }) });
      const { state, cookie } = await t.login();
      const response = await t.callback(`code=the-code&state=${state}`, cookie);
      expect(t.calls('/userinfo')[0]!.headers.get('authorization')).toBe('Bearer ACCESS-TOKEN');
      expect(t.calls('/identities/i1')).toHaveLength(0);
      const me = await t.app.request('/api/me', { headers: { cookie: sessionOf(response)! } });
      expect(await me.json()).toEqual({ identity_id: 'i1', username: 'ann.u', display_name: 'Ann U', email: 'u@example.com' });
    });

    it('then of the management API (GetIdentity) when userinfo fails or lacks them', async () => {
      for (const userinfo of [() => json(500, {}), () => json(200, { sub: 'i1' }), () => json(200, { sub: 'someone-else', preferred_username: 'x', name: 'X' })]) {
        const t = setup({ idToken: bare, userinfo });
        const { state, cookie } = await t.login();
        const response = await t.callback(`code=the-code&state=${state}`, cookie);
        expect(t.calls('/identities/i1')[0]!.headers.get('authorization')).toBe('Bearer MGMT-TOKEN');
        const me = await t.app.request('/api/me', { headers: { cookie: sessionOf(response)! } });
        expect(await me.json()).toEqual({ identity_id: 'i1', username: 'ann', display_name: 'Ann Example', email: 'ann@example.com' });
      }
    });

    it('an identity without an email address signs in without one', async () => {
      const t = setup({
        idToken: (c) => ({ ...c, email: undefined }),
        userinfo: () => json(200, { sub: 'i1' }),
        identity: () => json(200, { id: 'i1', display_name: 'Ann Example', traits: { type: 'traits_v0', username: 'ann' } }),
      });
      const { state, cookie } = await t.login();
      const response = await t.callback(`code=the-code&state=${state}`, cookie);
      const me = await t.app.request('/api/me', { headers: { cookie: sessionOf(response)! } });
      expect(await me.json()).toEqual({ identity_id: 'i1', username: 'ann', display_name: 'Ann Example' });
    });

    it('failed when neither userinfo nor the management API can name the person', async () => {
      const t = setup({ idToken: bare, userinfo: () => json(401, {}), identity: () => json(404, { code: 'not_found', message: 'x' }) });
      const { state, cookie } = await t.login();
      expectFailure(t, await t.callback(`code=the-code&state=${state}`, cookie), 'failed');
    });
  });
});

describe('POST /auth/logout', () => {
  it('clears the session and 303s to /', async () => {
    const t = setup();
    const cookie = await annSession();
    const response = await t.app.request('/auth/logout', { method: 'POST', headers: { cookie, origin: APP } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.getSetCookie()).toEqual(['bindery_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax']);
    // Without an Origin header (not a browser), too.
    expect((await t.app.request('/auth/logout', { method: 'POST' })).status).toBe(303);
  });

  it('refuses a cross-site post (403) and keeps the session', async () => {
    const t = setup();
    const cookie = await annSession();
    for (const origin of ['https://evil.example', 'null', 'http://localhost:3001']) {
      const response = await t.app.request('/auth/logout', { method: 'POST', headers: { cookie, origin } });
      expect(response.status, origin).toBe(403);
      expect(response.headers.getSetCookie(), origin).toEqual([]);
    }
  });
});
