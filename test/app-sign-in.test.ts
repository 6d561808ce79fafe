/**
 * Sign-in with a passkey, end to end without a browser: the app backend
 * (server/app, an OIDC client built on openid-client) against the REAL local
 * cloud over a real loopback socket. The test plays the browser and the SDK:
 * it follows the app's redirect to the cloud's authorize, reads the request
 * JWT, posts the passkey's proof to `bi-authenticate` exactly as the SDK does
 * (bi-protocol.md, "Authentication with the bound passkey"), and comes back
 * to the app's callback with the code.
 *
 * The cloud's signing keys (`jwks_uri`, https under the local CA) are NOT
 * served here: the code flow must not need them (openid-client takes the ID
 * token from the token endpoint's TLS-protected answer without fetching the
 * JWKS), and the test checks that nothing asked for them.
 */
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appConfigResponse, meResponse, signupResponse } from '../contracts/app-api';
import type { DevTenant } from '../contracts/dev-tenant';
import { findFreePorts } from '../scripts/support/system';
import { buildApp } from '../server/app/app';
import { createBackgroundTasks } from '../server/app/background';
import { readAppConfig, type AppConfig } from '../server/app/config';
import { buildCloud } from '../server/cloud/app';
import { openDb } from '../server/cloud/db/open';
import { seedDevTenant } from '../server/cloud/seed';
import { listenLoopback, type Listening } from '../server/lib/listen';
import { createLogger } from '../server/lib/logger';

const APP_ORIGIN = 'http://localhost:3000';
/** Where the cloud says its signing keys are: a closed port, so any attempt to fetch them fails loudly. */
const JWKS_BASE = 'https://localhost:1';
const silent = createLogger({}, { level: 'silent' });

let cloudUrl: string;
let cloudListening: Listening;
let cloud: ReturnType<typeof buildCloud>;
let tenant: DevTenant;
let dataDir: string;
let config: AppConfig;
let appOffsetMs = 0;

/** Every URL the app backend fetched. */
const outgoing: string[] = [];
const spyFetch: typeof fetch = async (input, init) => {
  outgoing.push(input instanceof Request ? input.url : String(input));
  return fetch(input, init);
};

/** The app's log lines (JSON), to check that failures are logged with the request id. */
const logLines: Record<string, any>[] = [];
const appLog = createLogger({}, { write: (line) => logLines.push(JSON.parse(line)) });

let app: ReturnType<typeof buildApp>;
const background = createBackgroundTasks(silent);

beforeAll(async () => {
  const [port] = await findFreePorts(1);
  cloudUrl = `http://localhost:${port}`;
  cloud = buildCloud({
    db: openDb(':memory:'),
    config: { apiBaseUrl: cloudUrl, authBaseUrl: cloudUrl, bindingTokenTtlSeconds: 7 * 24 * 3600, maxBodyBytes: 256 * 1024, jwksBaseUrl: JWKS_BASE },
    log: silent,
  });
  tenant = seedDevTenant(cloud.deps, APP_ORIGIN, new Date());
  cloudListening = await listenLoopback(cloud.app.fetch, port!);

  dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-sign-in-'));
  // As in production: environment plus DATA_DIR/dev-tenant.json (which names the app's OIDC client).
  writeFileSync(path.join(dataDir, 'dev-tenant.json'), JSON.stringify(tenant));
  config = readAppConfig({ DATA_DIR: dataDir, APP_PUBLIC_URL: APP_ORIGIN });
  app = buildApp({
    config,
    log: appLog,
    distDir: path.join(dataDir, 'no-dist'),
    fetch: spyFetch,
    background,
    clock: () => new Date(Date.now() + appOffsetMs),
  });
});

afterAll(async () => {
  await cloudListening?.close();
  cloud?.deps.db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  appOffsetMs = 0;
});

// ---------------------------------------------------------------- helpers

/** `name=value` pairs of every Set-Cookie of a response, by name (a deletion has an empty value). */
function cookiesOf(response: Response): Map<string, { value: string; header: string }> {
  const out = new Map<string, { value: string; header: string }>();
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';')[0]!;
    const eq = pair.indexOf('=');
    out.set(pair.slice(0, eq), { value: pair.slice(eq + 1), header });
  }
  return out;
}

const appGet = (url: string, cookie?: string) => app.request(url, { headers: cookie ? { cookie } : {} });

interface Passkey {
  identityId: string;
  username: string;
  credentialId: string;
  kid: string;
  privateKey: CryptoKey;
}

/** Signs up through the app (no session) and binds the RETURN link through the cloud's binding protocol, keeping the key. */
async function signUpAndBind(): Promise<Passkey & { postBindingRedirectUri: string }> {
  const username = `ann${randomBytes(4).toString('hex')}`;
  const answer = await app.request('/api/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.com`, display_name: 'Ann Example' }),
  });
  expect(answer.status).toBe(201);
  // Sign-up starts no session any more.
  expect(answer.headers.getSetCookie()).toEqual([]);
  const signup = signupResponse.parse(await answer.json());
  if (!signup.binding) throw new Error('sign-up answered no binding link');

  const instruction = await fetch(signup.binding.link, { headers: { accept: 'application/json' } });
  expect(instruction.status).toBe(200);
  const info = (await instruction.json()) as Record<string, string>;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const full = await exportJWK(publicKey);
  const jwk: JWK = { kty: full.kty!, crv: full.crv!, x: full.x!, y: full.y! };
  const raw = await new SignJWT({ sub: `CN=${info.identity_id}, OU=${info.realm_id}, O=${info.tenant_id}`, token: info.token })
    .setProtectedHeader({ alg: 'ES256', jwk })
    .sign(privateKey);
  const jobUrl = `${info.api_base_url}/v1/tenants/${info.tenant_id}/realms/${info.realm_id}/identities/${info.identity_id}/credential-binding-jobs/${info.job_id}`;
  const bound = await fetch(`${jobUrl}:bind`, {
    method: 'POST',
    headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'JWT', raw }),
  });
  expect(bound.status).toBe(200);
  const credential = (await bound.json()) as { id: string; state: string };
  expect(credential.state).toBe('ACTIVE');
  const job = await management('GET', `/identities/${signup.me.identity_id}/credential-binding-jobs/${signup.binding.job_id}`);
  return {
    identityId: signup.me.identity_id,
    username,
    credentialId: credential.id,
    kid: await calculateJwkThumbprint(jwk, 'sha256'),
    privateKey,
    postBindingRedirectUri: job.body.post_binding_redirect_uri,
  };
}

/** The cloud's management API with the seeded token (the test's view, not the app's). */
async function management(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await cloud.app.request(`/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${tenant.management.api_token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

interface RequestClaims {
  authn: {
    base_url: string;
    aid: string;
    redirect_uri: string;
    state?: string;
    action: { prove: { transaction_id: string; nonce: string; bi_pol_ver: string } };
  };
}

/** `GET /auth/login` on the app, then the cloud's authorize over HTTP, up to the request JWT. */
async function startSignIn(returnTo?: string) {
  const login = await appGet(returnTo === undefined ? '/auth/login' : `/auth/login?return_to=${encodeURIComponent(returnTo)}`);
  expect(login.status).toBe(302);
  const authorizeUrl = new URL(login.headers.get('location')!);
  const oidcCookie = cookiesOf(login).get('bindery_oidc');
  expect(oidcCookie, 'the OIDC cookie').toBeDefined();

  const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(authorize.status).toBe(302);
  const location = new URL(authorize.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(`${APP_ORIGIN}/bi-authenticate`);
  const request = location.searchParams.get('request')!;
  const claims = decodeJwt(request) as unknown as RequestClaims;
  return { login, authorizeUrl, state: authorizeUrl.searchParams.get('state')!, cookie: `bindery_oidc=${oidcCookie!.value}`, claims };
}

type SignIn = Awaited<ReturnType<typeof startSignIn>>;

/** The SDK's proof at `{authn.base_url}/v1/tenants/{t}/realms/{r}/applications/{aid}/bi-authenticate`. */
async function prove(passkey: Passkey, signIn: SignIn): Promise<{ type: string; code?: string }> {
  const { authn } = signIn.claims;
  const url = `${authn.base_url}/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}/applications/${authn.aid}/bi-authenticate`;
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({
    iss: passkey.credentialId,
    sub: `CN=${passkey.identityId}, OU=${tenant.realm_id}, O=${tenant.tenant_id}`,
    aud: [url],
    exp: now + 60,
    nbf: now,
    iat: now,
    jti: randomBytes(12).toString('hex'),
    bi_tid: authn.action.prove.transaction_id,
    bi_non: authn.action.prove.nonce,
    bi_prf: randomBytes(16).toString('base64url'),
    bi_pol_ver: 'v3',
    flow_type: 'embedded',
  })
    .setProtectedHeader({ alg: 'ES256', kid: passkey.kid })
    .sign(passkey.privateKey);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-correlation-id': randomBytes(8).toString('hex'), origin: APP_ORIGIN },
    body: new URLSearchParams({ claims: JSON.stringify({ Jwt: jwt }) }).toString(),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { type: string; code?: string };
}

/** The SDK's `redirectUrl`: `{authn.redirect_uri}?code=…&state=…`, as a path on the app. */
function callbackPath(signIn: SignIn, code: string, state = signIn.state): string {
  const url = new URL(signIn.claims.authn.redirect_uri);
  url.searchParams.set('code', code);
  url.searchParams.set('state', state);
  return `${url.pathname}${url.search}`;
}

/** Expects a redirect to `/?sign_in_error=<code>` that sets no session and clears the OIDC cookie. */
function expectSignInError(response: Response, code: 'denied' | 'expired' | 'failed') {
  expect(response.status).toBe(302);
  expect(response.headers.get('location')).toBe(`/?sign_in_error=${code}`);
  const cookies = cookiesOf(response);
  expect(cookies.has('bindery_session')).toBe(false);
  expect(cookies.get('bindery_oidc')?.header).toBe('bindery_oidc=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
  const logged = logLines.findLast((l) => l.message === 'sign-in failed');
  expect(logged).toMatchObject({ level: 'warn', requestId: response.headers.get('x-request-id'), code });
}

// ---------------------------------------------------------------- tests

describe('sign-in with a passkey against the real local cloud', () => {
  it('/api/config offers sign-in and names the tenant and realm', async () => {
    const answer = await appGet('/api/config');
    expect(appConfigResponse.parse(await answer.json())).toEqual({
      allowed_domains: ['localhost'],
      sign_in: true,
      tenant_id: tenant.tenant_id,
      realm_id: tenant.realm_id,
    });
  });

  it('sign-up, bind, then /auth/login → authorize → bi-authenticate proof → /auth/callback → session', async () => {
    const passkey = await signUpAndBind();
    // The binding link leads to sign-in, and from there to /passkeys.
    expect(passkey.postBindingRedirectUri).toBe(`${APP_ORIGIN}/auth/login?return_to=/passkeys`);
    const discoveriesBefore = outgoing.filter((u) => u.endsWith('/.well-known/openid-configuration')).length;

    const signIn = await startSignIn('/passkeys');
    // The authorize request as openid-client built it.
    const issuer = `${cloudUrl}/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}/applications/${tenant.app.application_id}`;
    expect(`${signIn.authorizeUrl.origin}${signIn.authorizeUrl.pathname}`).toBe(`${issuer}/authorize`);
    const q = Object.fromEntries(signIn.authorizeUrl.searchParams);
    expect(q).toEqual({
      redirect_uri: `${APP_ORIGIN}/auth/callback`,
      scope: 'openid',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_id: tenant.app.client_id,
      response_type: 'code',
    });
    expect(signIn.login.headers.get('cache-control')).toBe('no-store');
    expect(cookiesOf(signIn.login).get('bindery_oidc')!.header).toMatch(/^bindery_oidc=[^;]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(signIn.claims.authn.state).toBe(q.state);
    expect(signIn.claims.authn.redirect_uri).toBe(`${APP_ORIGIN}/auth/callback`);
    expect(signIn.claims.authn.aid).toBe(tenant.app.application_id);

    const proof = await prove(passkey, signIn);
    expect(proof).toEqual({ type: 'allow', code: expect.any(String), message: expect.any(String) });

    const callback = await appGet(callbackPath(signIn, proof.code!), signIn.cookie);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/passkeys');
    expect(callback.headers.get('cache-control')).toBe('no-store');
    const cookies = cookiesOf(callback);
    expect(cookies.get('bindery_oidc')!.header).toBe('bindery_oidc=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
    expect(cookies.get('bindery_session')!.header).toMatch(/^bindery_session=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);

    const me = await appGet('/api/me', `bindery_session=${cookies.get('bindery_session')!.value}`);
    expect(me.status).toBe(200);
    expect(meResponse.parse(await me.json())).toEqual({
      identity_id: passkey.identityId,
      username: passkey.username,
      display_name: 'Ann Example',
      email: `${passkey.username}@example.com`,
    });

    // The session works for the person's own resources.
    const credentials = await appGet('/api/me/credentials', `bindery_session=${cookies.get('bindery_session')!.value}`);
    expect(((await credentials.json()) as any).credentials).toEqual([expect.objectContaining({ id: passkey.credentialId, state: 'ACTIVE' })]);

    // Discovery happened at most once (cached across sign-ins); the JWKS was never fetched;
    // the ID token's claims were enough (no userinfo, no GetIdentity).
    expect(outgoing.filter((u) => u.endsWith('/.well-known/openid-configuration')).length - discoveriesBefore).toBeLessThanOrEqual(1);
    expect(outgoing.filter((u) => u.includes('jwks') || u.startsWith(JWKS_BASE))).toEqual([]);
    expect(outgoing.filter((u) => u.endsWith('/userinfo'))).toEqual([]);
  });

  it('discovers once and reuses it for later sign-ins', async () => {
    await startSignIn();
    const before = outgoing.filter((u) => u.endsWith('/.well-known/openid-configuration')).length;
    expect(before).toBeGreaterThanOrEqual(1);
    await startSignIn();
    await startSignIn();
    expect(outgoing.filter((u) => u.endsWith('/.well-known/openid-configuration')).length).toBe(before);
  });

  it('replaying the callback fails without a session: without the cookie (expired), and with it (the code is used up)', async () => {
    const passkey = await signUpAndBind();
    const signIn = await startSignIn('/passkeys');
    const proof = await prove(passkey, signIn);
    const url = callbackPath(signIn, proof.code!);
    const first = await appGet(url, signIn.cookie);
    expect(first.headers.get('location')).toBe('/passkeys');
    expect(cookiesOf(first).has('bindery_session')).toBe(true);

    // The browser no longer has the OIDC cookie (the callback cleared it).
    expectSignInError(await appGet(url), 'expired');
    // Someone who kept a copy of it: openid-client exchanges the code again, and the cloud refuses it.
    const replay = await appGet(url, signIn.cookie);
    expectSignInError(replay, 'failed');
    expect(logLines.findLast((l) => l.message === 'sign-in failed')!.reason).toMatchObject({ oauth_error: 'invalid_grant' });
  });

  it('a tampered state fails (failed), and the code is not exchanged', async () => {
    const passkey = await signUpAndBind();
    const signIn = await startSignIn();
    const proof = await prove(passkey, signIn);
    const tokenCallsBefore = outgoing.filter((u) => u.endsWith('/token')).length;
    const tampered = await appGet(callbackPath(signIn, proof.code!, `${signIn.state.slice(0, -2)}xx`), signIn.cookie);
    expectSignInError(tampered, 'failed');
    expect(outgoing.filter((u) => u.endsWith('/token')).length).toBe(tokenCallsBefore);
  });

  it('a callback without the OIDC cookie, with a tampered one, or after 10 minutes is expired', async () => {
    const passkey = await signUpAndBind();
    const signIn = await startSignIn();
    const proof = await prove(passkey, signIn);
    const url = callbackPath(signIn, proof.code!);
    expectSignInError(await appGet(url), 'expired');
    const [name, value] = signIn.cookie.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const forged = `${Buffer.from(JSON.stringify({ verifier: 'x'.repeat(43), state: signIn.state, nonce: 'n', returnTo: '/', exp: 9e9 })).toString('base64url')}${decoded.slice(decoded.lastIndexOf('.'))}`;
    expectSignInError(await appGet(url, `${name}=${encodeURIComponent(forged)}`), 'expired');
    appOffsetMs = 10 * 60_000 + 1000;
    expectSignInError(await appGet(url, signIn.cookie), 'expired');
  });

  it('a revoked credential is denied at bi-authenticate: no code, no session; the callback maps access_denied to denied', async () => {
    const passkey = await signUpAndBind();
    expect((await management('POST', `/identities/${passkey.identityId}/credentials/${passkey.credentialId}:revoke`, {})).status).toBe(200);
    const signIn = await startSignIn('/passkeys');
    expect(await prove(passkey, signIn)).toEqual({ type: 'deny' });
    // A hosted flow would come back with the refusal; the app says "denied", and signs no one in.
    expectSignInError(await appGet(`/auth/callback?error=access_denied&state=${signIn.state}`, signIn.cookie), 'denied');
    // Without its state, an error is not believed: failed.
    const again = await startSignIn();
    expectSignInError(await appGet('/auth/callback?error=access_denied&state=forged', again.cookie), 'failed');
  });

  it('a passkey revoked between the proof and the exchange: the cloud refuses the code (failed), no session', async () => {
    const passkey = await signUpAndBind();
    const signIn = await startSignIn();
    const proof = await prove(passkey, signIn);
    expect(proof.type).toBe('allow');
    expect((await management('POST', `/identities/${passkey.identityId}/credentials/${passkey.credentialId}:revoke`, {})).status).toBe(200);
    expectSignInError(await appGet(callbackPath(signIn, proof.code!), signIn.cookie), 'failed');
  });

  it('/auth/login?return_to=https://evil.example ends at / (and //evil.example too)', async () => {
    const passkey = await signUpAndBind();
    for (const evil of ['https://evil.example', '//evil.example/x', '/\\evil.example']) {
      const signIn = await startSignIn(evil);
      const proof = await prove(passkey, signIn);
      const callback = await appGet(callbackPath(signIn, proof.code!), signIn.cookie);
      expect(callback.status, evil).toBe(302);
      expect(callback.headers.get('location'), evil).toBe('/');
      expect(cookiesOf(callback).has('bindery_session'), evil).toBe(true);
    }
  });

  it('POST /auth/logout ends the session (303 to /); POST /api/logout still does', async () => {
    const out = await app.request('/auth/logout', { method: 'POST', headers: { origin: APP_ORIGIN } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/');
    expect(cookiesOf(out).get('bindery_session')!.header).toBe('bindery_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
    const api = await app.request('/api/logout', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(api.status).toBe(204);
    expect(cookiesOf(api).get('bindery_session')!.header).toBe('bindery_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
  });

  it('an EMAIL link asked for on a new device leads to sign-in after binding', async () => {
    const passkey = await signUpAndBind();
    const answer = await app.request('/api/email-link', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: passkey.username }),
    });
    expect(answer.status).toBe(202);
    // The job is created after the answer (no account enumeration by timing).
    await background.idle();
    const jobs = ((await management('GET', `/identities/${passkey.identityId}/credential-binding-jobs`)).body.credential_binding_jobs as any[]).filter(
      (j) => j.delivery_method === 'EMAIL',
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0].post_binding_redirect_uri).toBe(`${APP_ORIGIN}/auth/login?return_to=/passkeys`);
  });
});
