/**
 * The app backend (server/app) against the REAL local cloud over a real
 * loopback socket: the app only ever reaches the cloud through `fetch`, as
 * it would reach Beyond Identity. The cloud runs in-process on a fresh
 * in-memory database with a clock the tests can move; the app is called with
 * `app.request()`.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  appConfigResponse,
  appErrorBody,
  bindingLinkResponse,
  credentialsResponse,
  emailLinkResponse,
  meResponse,
  previewResponse,
  signupResponse,
  type SignupResponse,
} from '../contracts/app-api';
import type { DevTenant } from '../contracts/dev-tenant';
import { findFreePorts } from '../scripts/support/system';
import { buildApp, type BuildAppOptions } from '../server/app/app';
import { createBackgroundTasks, type BackgroundTasks } from '../server/app/background';
import { sessionCookieFor } from '../server/app/test/session-cookie';
import { readAppConfig, type AppConfig } from '../server/app/config';
import { buildCloud } from '../server/cloud/app';
import { openDb } from '../server/cloud/db/open';
import { seedDevTenant } from '../server/cloud/seed';
import { listenLoopback, type Listening } from '../server/lib/listen';
import { createLogger } from '../server/lib/logger';

const APP_ORIGIN = 'http://localhost:3000';
const silent = createLogger({}, { level: 'silent' });

let cloudUrl: string;
let cloudListening: Listening;
let cloud: ReturnType<typeof buildCloud>;
let tenant: DevTenant;
let cloudOffsetMs = 0;
let dataDir: string;
let config: AppConfig;

/** Every request the app sent (URL), and every token the cloud's token endpoint minted for it. */
const outgoing: string[] = [];
const mintedTokens = new Set<string>();
/** Every response the app gave in this file, for the "no secret leaks" check. */
const answered: string[] = [];

const spyFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  outgoing.push(url);
  const response = await fetch(input, init);
  if (url.endsWith('/token') && response.ok) {
    mintedTokens.add(((await response.clone().json()) as { access_token: string }).access_token);
  }
  return response;
};

beforeAll(async () => {
  // buildCloud needs its public URL up front (it goes into binding links), so pick the port first.
  const [port] = await findFreePorts(1);
  cloudUrl = `http://localhost:${port}`;
  cloud = buildCloud({
    db: openDb(':memory:'),
    config: {
      apiBaseUrl: cloudUrl,
      authBaseUrl: cloudUrl,
      bindingTokenTtlSeconds: 7 * 24 * 3600,
      maxBodyBytes: 256 * 1024,
      // Only OIDC sign-in uses it (not served here): a placeholder.
      jwksBaseUrl: 'https://localhost:1',
    },
    log: silent,
    clock: () => new Date(Date.now() + cloudOffsetMs),
  });
  tenant = seedDevTenant(cloud.deps, APP_ORIGIN, new Date());
  cloudListening = await listenLoopback(cloud.app.fetch, port!);

  dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-app-'));
  // The app's configuration exactly as in production: environment plus DATA_DIR/dev-tenant.json.
  // No BI_API_TOKEN: the app mints its own tokens with the client credentials.
  writeFileSync(path.join(dataDir, 'dev-tenant.json'), JSON.stringify({ ...tenant, management: { ...tenant.management, api_token: 'unused' } }));
  config = readAppConfig({ DATA_DIR: dataDir, APP_PUBLIC_URL: APP_ORIGIN });
});

afterAll(async () => {
  await cloudListening?.close();
  cloud?.deps.db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  cloudOffsetMs = 0;
});

interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
  /** `name=value` of the session cookie, when the response set one. */
  cookie?: string;
}

interface CallOptions {
  body?: unknown;
  cookie?: string;
  headers?: Record<string, string>;
  rawBody?: string;
}

/** A running app backend, with helpers to call it. */
function startApp(overrides: Partial<BuildAppOptions> = {}) {
  const background = createBackgroundTasks(silent);
  const app = buildApp({ config, log: silent, distDir: path.join(dataDir, 'no-dist'), fetch: spyFetch, background, ...overrides });
  async function call(method: string, url: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (method !== 'GET') headers['content-type'] ??= 'application/json';
    if (options.cookie) headers.cookie = options.cookie;
    const body = options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    const response = await app.request(url, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    answered.push(text, JSON.stringify([...response.headers]));
    const setCookie = response.headers.get('set-cookie');
    return {
      status: response.status,
      body: text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text,
      text,
      headers: response.headers,
      ...(setCookie ? { cookie: setCookie.split(';')[0]! } : {}),
    };
  }
  return {
    app,
    background: background as BackgroundTasks,
    call,
    get: (url: string, options?: CallOptions) => call('GET', url, options),
    post: (url: string, body?: unknown, options?: CallOptions) => call('POST', url, { ...options, body }),
    /**
     * Signs up a new person; returns the sign-up answer and a session cookie
     * for them. Sign-up itself starts no session (the person signs in with
     * the new passkey: test/app-sign-in.test.ts), so the cookie is signed
     * here with the app's key, as the end of a sign-in would.
     */
    async signup(username: string, extra: { email?: string; display_name?: string } = {}) {
      const answer = await call('POST', '/api/signup', {
        body: { username, email: extra.email ?? `${username}@example.com`, display_name: extra.display_name ?? `Person ${username}` },
      });
      expect(answer.status, answer.text).toBe(201);
      expect(answer.cookie).toBeUndefined();
      const body = withLink(signupResponse.parse(answer.body));
      return { cookie: await sessionCookieFor(body.me, { secret: config.sessionSecret, publicUrl: config.publicUrl }), body };
    },
  };
}

/** A sign-up answer that must carry its binding link (the cloud is up in these tests). */
function withLink(body: SignupResponse): SignupResponse & { binding: NonNullable<SignupResponse['binding']> } {
  if (!body.binding) throw new Error('sign-up answered no binding link');
  return { ...body, binding: body.binding };
}

/** The cloud's management API, in-process, with the seeded token (the test's view, not the app's). */
async function management(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await cloud.app.request(`/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${tenant.management.api_token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const getJob = async (identityId: string, jobId: string) => (await management('GET', `/identities/${identityId}/credential-binding-jobs/${jobId}`)).body;

async function emailJobs(): Promise<{ identity_id: string; delivery_method: string }[]> {
  const list = await management('GET', `/identities/-/credential-binding-jobs?page_size=200&filter=${encodeURIComponent('delivery_method eq "EMAIL"')}`);
  expect(list.status).toBe(200);
  return list.body.credential_binding_jobs;
}

/** What the SDK does with a RETURN link, over real sockets: GET the link as JSON, then `:bind` with an ES256 proof. */
async function bind(link: string): Promise<{ status: number; body: any; thumbprint: string }> {
  const instruction = await fetch(link, { headers: { accept: 'application/json' } });
  expect(instruction.status).toBe(200);
  const info = (await instruction.json()) as Record<string, string>;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const raw = await new SignJWT({ sub: `CN=${info.identity_id}, OU=${info.realm_id}, O=${info.tenant_id}`, token: info.token })
    .setProtectedHeader({ alg: 'ES256', jwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! } })
    .sign(privateKey);
  const jobUrl = `${info.api_base_url}/v1/tenants/${info.tenant_id}/realms/${info.realm_id}/identities/${info.identity_id}/credential-binding-jobs/${info.job_id}`;
  const response = await fetch(`${jobUrl}:bind`, {
    method: 'POST',
    headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'JWT', raw }),
  });
  return { status: response.status, body: await response.json(), thumbprint: await calculateJwkThumbprint(jwk, 'sha256') };
}

/** The `/bind?…` parameters the cloud's EMAIL redirect would carry for this link. */
function paramsOf(link: string) {
  const url = new URL(link);
  const [, , , tenantId, , realmId, , identityId, , jobWithVerb] = url.pathname.split('/');
  return {
    api_base_url: url.origin,
    tenant_id: tenantId!,
    realm_id: realmId!,
    identity_id: identityId!,
    job_id: jobWithVerb!.replace(/:invokeAuthenticator$/, ''),
    token: url.searchParams.get('token')!,
  };
}

const unique = (() => {
  let n = 0;
  return (prefix: string) => `${prefix}${++n}${Math.random().toString(36).slice(2, 6)}`;
})();

describe('GET /api/config', () => {
  it('answers the SDK domains (bare host of the cloud), sign-in (the dev tenant names the app client), the tenant and realm', async () => {
    const t = startApp();
    const answer = await t.get('/api/config');
    expect(answer.status).toBe(200);
    expect(appConfigResponse.parse(answer.body)).toEqual({ allowed_domains: ['localhost'], sign_in: true, tenant_id: tenant.tenant_id, realm_id: tenant.realm_id });
    // Without the app's client credentials there is no sign-in.
    const without = startApp({ config: { ...config, bi: { ...config.bi, signIn: undefined } } });
    expect((await without.get('/api/config')).body).toEqual({ allowed_domains: ['localhost'], sign_in: false, tenant_id: tenant.tenant_id, realm_id: tenant.realm_id });
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('POST /api/signup', () => {
  it('creates the identity and a RETURN job leading to sign-in, and starts no session', async () => {
    const t = startApp();
    const username = unique('ann');
    const answer = await t.post('/api/signup', { username, email: `${username}@example.com`, display_name: 'Ann Example' });
    expect(answer.status).toBe(201);
    const body = withLink(signupResponse.parse(answer.body));
    expect(body.me).toEqual({ identity_id: expect.stringMatching(/^[0-9a-f]{16}$/), username, display_name: 'Ann Example', email: `${username}@example.com` });
    expect(body.binding.link).toBe(
      `${cloudUrl}/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}/identities/${body.me.identity_id}/credential-binding-jobs/${body.binding.job_id}:invokeAuthenticator?token=${new URL(body.binding.link).searchParams.get('token')}`,
    );
    expect(answer.headers.get('cache-control')).toBe('no-store');

    // The person signs in with the new passkey: the link's redirect leads to /auth/login.
    expect(answer.headers.get('set-cookie')).toBeNull();

    const identity = await management('GET', `/identities/${body.me.identity_id}`);
    expect(identity.body).toMatchObject({ display_name: 'Ann Example', traits: { username, primary_email_address: `${username}@example.com` } });
    const job = await getJob(body.me.identity_id, body.binding.job_id);
    expect(job).toMatchObject({ delivery_method: 'RETURN', state: 'LINK_SENT', expire_time: body.binding.expire_time, authenticator_config_id: tenant.app.authenticator_config_id });
    expect(job.post_binding_redirect_uri).toBe(`${APP_ORIGIN}/auth/login?return_to=/passkeys`);
  });

  it('answers 409 username_taken for a taken username, whatever its case, and sets no cookie', async () => {
    const t = startApp();
    const username = unique('bob');
    await t.signup(username);
    const again = await t.post('/api/signup', { username: username.toUpperCase(), email: 'other@example.com', display_name: 'Other' });
    expect(again.status).toBe(409);
    expect(appErrorBody.parse(again.body)).toEqual({
      error: { code: 'username_taken', message: 'That username is taken. Choose another one.', fields: { username: 'That username is taken.' } },
    });
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('refuses invalid fields with 400 invalid_request naming each field', async () => {
    const t = startApp();
    const answer = await t.post('/api/signup', { username: 'a b', email: 'nope', display_name: '' });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        code: 'invalid_request',
        message: 'Check the highlighted fields.',
        fields: {
          username: 'Use letters, digits, dots, dashes or underscores.',
          email: 'Enter an email address like ann@example.com.',
          display_name: 'Enter your name.',
        },
      },
    });
  });

  it('limits each client IP to 20 well-formed sign-ups per 10 minutes; malformed ones do not count and reach no cloud', async () => {
    let offsetMs = 0;
    const t = startApp({ clock: () => new Date(Date.now() + offsetMs) });
    const sent = outgoing.length;
    for (let i = 0; i < 25; i++) expect((await t.post('/api/signup', { username: 'a b', email: 'x', display_name: '' })).status).toBe(400);
    expect(outgoing.length).toBe(sent);
    for (let i = 0; i < 20; i++) await t.signup(unique('lim'));
    const username = unique('lim');
    const limited = await t.post('/api/signup', { username, email: `${username}@example.com`, display_name: 'Lim' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers.get('retry-after')).toBe('600');
    const found = await management('GET', `/identities?filter=${encodeURIComponent(`traits.username eq "${username}"`)}`);
    expect(found.body.identities).toEqual([]);
    offsetMs = 10 * 60_000 + 1;
    await t.signup(username);
  });

  it('refuses a cross-site form post (not JSON) before doing anything', async () => {
    const t = startApp();
    const username = unique('csrf');
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const answer = await t.call('POST', '/api/signup', {
        headers: { 'content-type': type },
        rawBody: `username=${username}&email=${username}%40example.com&display_name=X`,
      });
      expect(answer.status).toBe(415);
      expect(answer.body.error.code).toBe('invalid_request');
    }
    const found = await management('GET', `/identities?filter=${encodeURIComponent(`traits.username eq "${username}"`)}`);
    expect(found.body.identities).toEqual([]);
  });
});

describe('sessions: GET /api/me and POST /api/logout', () => {
  it('answers the person with the cookie, 401 without it, with a tampered one, and after logout', async () => {
    const t = startApp();
    const username = unique('cat');
    const { cookie, body } = await t.signup(username, { display_name: 'Cat' });

    const me = await t.get('/api/me', { cookie });
    expect(me.status).toBe(200);
    expect(meResponse.parse(me.body)).toEqual({ identity_id: body.me.identity_id, username, display_name: 'Cat', email: `${username}@example.com` });

    const none = await t.get('/api/me');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: { code: 'unauthenticated', message: 'Sign in first.' } });

    // Change the payload (another identity id) but keep the signature: refused.
    const [name, value] = cookie.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const [payload, signature] = [decoded.slice(0, decoded.lastIndexOf('.')), decoded.slice(decoded.lastIndexOf('.') + 1)];
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace(body.me.identity_id, '0000000000000000')).toString('base64url');
    expect((await t.get('/api/me', { cookie: `${name}=${encodeURIComponent(`${forged}.${signature}`)}` })).status).toBe(401);

    const out = await t.post('/api/logout');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^bindery_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/);
  });
});

describe('POST /api/me/binding-link', () => {
  it('creates a RETURN job whose post_binding_redirect_uri is the path on the app origin', async () => {
    const t = startApp();
    const { cookie, body: signup } = await t.signup(unique('dan'));
    const answer = await t.post('/api/me/binding-link', { post_binding_redirect_path: '/passkeys?added=1' }, { cookie });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const binding = bindingLinkResponse.parse(answer.body);
    expect(binding.link).toContain(`/identities/${signup.me.identity_id}/credential-binding-jobs/${binding.job_id}:invokeAuthenticator?token=`);
    const job = await getJob(signup.me.identity_id, binding.job_id);
    expect(job).toMatchObject({ delivery_method: 'RETURN', post_binding_redirect_uri: `${APP_ORIGIN}/passkeys?added=1`, expire_time: binding.expire_time });

    const plain = await t.post('/api/me/binding-link', {}, { cookie });
    expect(plain.status).toBe(200);
    expect((await getJob(signup.me.identity_id, plain.body.job_id)).post_binding_redirect_uri).toBeUndefined();
  });

  it('refuses another origin as the redirect, and a request without a session', async () => {
    const t = startApp();
    const { cookie } = await t.signup(unique('eve'));
    for (const path of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const answer = await t.post('/api/me/binding-link', { post_binding_redirect_path: path }, { cookie });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'invalid_request',
        message: 'Check the highlighted fields.',
        fields: { post_binding_redirect_path: 'Use a path on this site, like /passkeys.' },
      });
    }
    const anonymous = await t.post('/api/me/binding-link', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
  });
});

describe('POST /api/email-link (someone on a new device)', () => {
  it('answers a known and an unknown username identically; only the known one gets an EMAIL job', async () => {
    const t = startApp();
    const username = unique('fay');
    const { body: signup } = await t.signup(username);
    const before = (await emailJobs()).length;

    const known = await t.post('/api/email-link', { username: username });
    const unknown = await t.post('/api/email-link', { username: unique('nobody') });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(emailLinkResponse.parse(known.body)).toEqual(unknown.body);
    expect(known.text).toBe(unknown.text);
    const comparable = (h: Headers) => [...h].filter(([name]) => name !== 'x-request-id');
    expect(comparable(known.headers)).toEqual(comparable(unknown.headers));

    await t.background.idle();
    const jobs = await emailJobs();
    expect(jobs).toHaveLength(before + 1);
    expect(jobs.filter((j) => j.identity_id === signup.me.identity_id)).toHaveLength(1);
  });

  it('finds the identity by username regardless of case, and never by email address (Beyond Identity filters by username only)', async () => {
    const t = startApp();
    const username = unique('gus');
    const { body: signup } = await t.signup(username, { email: `${username}@example.com` });
    const byAddress = await t.post('/api/email-link', { username: `${username}@example.com` });
    expect(byAddress.status).toBe(202);
    await t.background.idle();
    expect((await emailJobs()).filter((j) => j.identity_id === signup.me.identity_id)).toHaveLength(0);

    expect((await t.post('/api/email-link', { username: `  ${username.toUpperCase()} ` })).status).toBe(202);
    await t.background.idle();
    expect((await emailJobs()).filter((j) => j.identity_id === signup.me.identity_id)).toHaveLength(1);
  });

  it('limits each username to 5 per 10 minutes, answering 429 rate_limited with Retry-After', async () => {
    let offsetMs = 0;
    const t = startApp({ clock: () => new Date(Date.now() + offsetMs) });
    const username = unique('hal');
    const { body: signup } = await t.signup(username);
    for (let i = 0; i < 5; i++) expect((await t.post('/api/email-link', { username: username })).status).toBe(202);
    const limited = await t.post('/api/email-link', { username: username.toUpperCase() });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 'rate_limited', message: 'Too many requests. Try again in 10 minutes.' } });
    expect(limited.headers.get('retry-after')).toBe('600');
    await t.background.idle();
    expect((await emailJobs()).filter((j) => j.identity_id === signup.me.identity_id)).toHaveLength(5);

    // Another username is still fine; after the window, this one is too.
    expect((await t.post('/api/email-link', { username: unique('other') })).status).toBe(202);
    offsetMs = 10 * 60_000 + 1;
    expect((await t.post('/api/email-link', { username: username })).status).toBe(202);
    await t.background.idle();
  });

  it('limits each client IP to 20 per 10 minutes across usernames', async () => {
    const t = startApp();
    for (let i = 0; i < 20; i++) expect((await t.post('/api/email-link', { username: unique('ip') })).status).toBe(202);
    const limited = await t.post('/api/email-link', { username: unique('ip') });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(590);
    await t.background.idle();
  });

  it('refuses an empty username', async () => {
    const t = startApp();
    const answer = await t.post('/api/email-link', { username: '  ' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: 'invalid_request', message: 'Check the highlighted fields.', fields: { username: 'Enter your username.' } });
  });
});

describe('POST /api/me/email-link', () => {
  it('creates an EMAIL job for the signed-in person; 422 invalid_request when they have no email', async () => {
    const t = startApp();
    const { cookie, body: signup } = await t.signup(unique('ida'));
    const answer = await t.post('/api/me/email-link', undefined, { cookie });
    expect(answer.status).toBe(202);
    emailLinkResponse.parse(answer.body);
    expect((await emailJobs()).filter((j) => j.identity_id === signup.me.identity_id)).toHaveLength(1);

    await management('PATCH', `/identities/${signup.me.identity_id}`, { identity: { traits: { primary_email_address: '' } } });
    const noEmail = await t.post('/api/me/email-link', undefined, { cookie });
    expect(noEmail.status).toBe(422);
    expect(noEmail.body).toEqual({
      error: {
        code: 'invalid_request',
        message: 'Your account has no email address, so there is nowhere to send a link. Add a passkey on this device instead.',
      },
    });
    expect((await t.post('/api/me/email-link')).status).toBe(401);
  });
});

describe('credentials: GET /api/me/credentials and POST /api/me/credentials/:id/revoke', () => {
  it('lists the bound credential and revokes it; someone else’s credential is 404', async () => {
    const t = startApp();
    const ann = await t.signup(unique('jo'));
    const bob = await t.signup(unique('ken'));
    expect((await t.get('/api/me/credentials', { cookie: ann.cookie })).body).toEqual({ credentials: [] });

    const bound = await bind(ann.body.binding.link);
    expect(bound.status).toBe(200);
    const list = await t.get('/api/me/credentials', { cookie: ann.cookie });
    expect(list.status).toBe(200);
    expect(credentialsResponse.parse(list.body).credentials).toEqual([
      { id: bound.body.id, state: 'ACTIVE', create_time: bound.body.create_time, update_time: bound.body.update_time, jwk_thumbprint: bound.thumbprint },
    ]);
    expect((await t.get('/api/me/credentials', { cookie: bob.cookie })).body).toEqual({ credentials: [] });

    const foreign = await t.post(`/api/me/credentials/${bound.body.id}/revoke`, undefined, { cookie: bob.cookie });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: 'not_found', message: 'You have no passkey with that id.' } });
    expect((await t.post('/api/me/credentials/..%2F..%2Fx/revoke', undefined, { cookie: bob.cookie })).status).toBe(404);
    expect((await t.get('/api/me/credentials', { cookie: ann.cookie })).body.credentials[0].state).toBe('ACTIVE');

    expect((await t.post(`/api/me/credentials/${bound.body.id}/revoke`, undefined)).status).toBe(401);
    const revoked = await t.post(`/api/me/credentials/${bound.body.id}/revoke`, undefined, { cookie: ann.cookie });
    expect(revoked.status).toBe(204);
    expect((await t.get('/api/me/credentials', { cookie: ann.cookie })).body.credentials).toEqual([
      expect.objectContaining({ id: bound.body.id, state: 'REVOKED' }),
    ]);
    expect((await t.get('/api/me/credentials')).status).toBe(401);
  });
});

describe('POST /api/binding-link/preview', () => {
  it('previews a usable EMAIL-form link without consuming it; after the bind it reads used', async () => {
    const t = startApp();
    const username = unique('lea');
    const { body: signup } = await t.signup(username, { display_name: 'Lea Lane' });
    const params = paramsOf(signup.binding.link);
    const expected = {
      state: 'usable',
      identity: { username, display_name: 'Lea Lane' },
      realm: { display_name: 'Bindery' },
      expire_time: signup.binding.expire_time,
    };
    for (let i = 0; i < 3; i++) {
      const preview = await t.post('/api/binding-link/preview', params);
      expect(preview.status).toBe(200);
      expect(preview.headers.get('cache-control')).toBe('no-store');
      expect(previewResponse.parse(preview.body)).toEqual(expected);
    }
    expect((await getJob(signup.me.identity_id, params.job_id)).state).toBe('LINK_SENT');
    expect((await bind(signup.binding.link)).status).toBe(200);
    expect((await t.post('/api/binding-link/preview', params)).body).toEqual({ state: 'used' });
  });

  it('reads revoked and expired links, and refuses a wrong token as invalid', async () => {
    const t = startApp();
    const revoked = await t.signup(unique('max'));
    const expired = await t.signup(unique('ned'));
    const rp = paramsOf(revoked.body.binding.link);
    expect((await management('POST', `/identities/${rp.identity_id}/credential-binding-jobs/${rp.job_id}:revoke`, {})).status).toBe(200);
    expect((await t.post('/api/binding-link/preview', rp)).body).toEqual({ state: 'revoked' });

    const wrongToken = { ...paramsOf(expired.body.binding.link), token: 'x'.repeat(64) };
    expect((await t.post('/api/binding-link/preview', wrongToken)).body).toEqual({ state: 'invalid' });

    cloudOffsetMs = 7 * 24 * 3600 * 1000 + 1000;
    expect((await t.post('/api/binding-link/preview', paramsOf(expired.body.binding.link))).body).toEqual({ state: 'expired' });
  });

  it('answers invalid for a foreign api_base_url, tenant or realm without sending any request', async () => {
    const t = startApp();
    const { body: signup } = await t.signup(unique('oli'));
    const params = paramsOf(signup.binding.link);
    let foreignHits = 0;
    const foreign = await listenLoopback(() => {
      foreignHits++;
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    }, 0);
    try {
      const sentBefore = outgoing.length;
      for (const changed of [
        { api_base_url: `http://localhost:${foreign.port}` },
        { api_base_url: `http://127.0.0.1:${foreign.port}` },
        { api_base_url: `${cloudUrl}.evil.example` },
        { api_base_url: `${cloudUrl}/?x=1` },
        { api_base_url: 'not a url' },
        { tenant_id: '0000000000000000' },
        { realm_id: '0000000000000000' },
        { identity_id: '..' },
        { job_id: '../../identities' },
        { token: 'a\r\nx-injected: 1' },
      ]) {
        const answer = await t.post('/api/binding-link/preview', { ...params, ...changed });
        expect(answer.status, JSON.stringify(changed)).toBe(200);
        expect(answer.body, JSON.stringify(changed)).toEqual({ state: 'invalid' });
      }
      expect(foreignHits).toBe(0);
      expect(outgoing.length).toBe(sentBefore);
    } finally {
      await foreign.close();
    }
    // An unknown job of a real identity: invalid too (after asking the configured cloud).
    expect((await t.post('/api/binding-link/preview', { ...params, job_id: 'ffffffffffffffff' })).body).toEqual({ state: 'invalid' });
  });

  it('previews the signed-in person’s own RETURN link by job id, and only their own', async () => {
    const t = startApp();
    const username = unique('pam');
    const pam = await t.signup(username, { display_name: 'Pam' });
    const quinn = await t.signup(unique('quinn'));
    const own = await t.post('/api/binding-link/preview', { job_id: pam.body.binding.job_id, own: true }, { cookie: pam.cookie });
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ state: 'usable', identity: { username, display_name: 'Pam' }, expire_time: pam.body.binding.expire_time });

    const notMine = await t.post('/api/binding-link/preview', { job_id: pam.body.binding.job_id, own: true }, { cookie: quinn.cookie });
    expect(notMine.body).toEqual({ state: 'invalid' });
    expect((await t.post('/api/binding-link/preview', { job_id: '..', own: true }, { cookie: quinn.cookie })).body).toEqual({ state: 'invalid' });

    const anonymous = await t.post('/api/binding-link/preview', { job_id: pam.body.binding.job_id, own: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');

    expect((await bind(pam.body.binding.link)).status).toBe(200);
    expect((await t.post('/api/binding-link/preview', { job_id: pam.body.binding.job_id, own: true }, { cookie: pam.cookie })).body).toEqual({ state: 'used' });
  });

  it('refuses a malformed request, and limits each IP to 60 a minute', async () => {
    const t = startApp();
    const bad = await t.post('/api/binding-link/preview', { job_id: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    for (let i = 1; i < 60; i++) expect((await t.post('/api/binding-link/preview', { job_id: 'x', own: true })).status).toBe(401);
    const limited = await t.post('/api/binding-link/preview', { job_id: 'x', own: true });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('failures', () => {
  it('answers 502 cloud_unreachable with a request id when the cloud does not answer', async () => {
    const [closedPort] = await findFreePorts(1);
    const dead = `http://localhost:${closedPort}`;
    const t = startApp({ config: { ...config, bi: { ...config.bi, apiBaseUrl: dead, authBaseUrl: dead } } });
    const answer = await t.post('/api/signup', { username: unique('zed'), email: 'zed@example.com', display_name: 'Zed' });
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual({
      error: { code: 'cloud_unreachable', message: 'Beyond Identity did not answer. Try again in a moment.', request_id: answer.headers.get('x-request-id') },
    });
  });

  it('answers 502 cloud_error (and nothing of the upstream body) when the cloud refuses the credentials', async () => {
    const t = startApp({ config: { ...config, bi: { ...config.bi, management: { kind: 'token', apiToken: 'revoked-or-wrong' } } } });
    const answer = await t.post('/api/signup', { username: unique('yan'), email: 'yan@example.com', display_name: 'Yan' });
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual({
      error: { code: 'cloud_error', message: 'Beyond Identity could not do that right now. Try again later.', request_id: expect.any(String) },
    });
  });

  it('answers unknown API paths with 404 not_found in the contract shape', async () => {
    const t = startApp();
    const answer = await t.get('/api/nope');
    expect(answer.status).toBe(404);
    expect(appErrorBody.parse(answer.body).error.code).toBe('not_found');
  });
});

describe('the SPA', () => {
  it('serves HTML with a CSP that lets the SDK compile WebAssembly and reach the cloud', async () => {
    const dist = path.join(dataDir, 'dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    const t = startApp({ distDir: dist });
    for (const url of ['/', '/bind?token=x']) {
      const page = await t.get(url);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'");
      expect(csp).toContain(`connect-src 'self' ${cloudUrl} https://localhost:*;`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await t.get('/api/config')).headers.get('content-security-policy')).toBeNull();
  });
});

describe('secrets', () => {
  it('never put the management token or client secrets in any response of this file', () => {
    // Runs last (Vitest keeps file order): `answered` holds every body and header list above.
    expect(answered.length).toBeGreaterThan(50);
    expect(mintedTokens.size).toBeGreaterThan(0);
    const secrets = [tenant.management.client_secret, tenant.management.api_token, tenant.app.client_secret, config.sessionSecret, ...mintedTokens];
    for (const text of answered) for (const secret of secrets) expect(text.includes(secret)).toBe(false);
  });
});
