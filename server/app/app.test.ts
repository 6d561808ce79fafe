import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { signupResponse } from '../../contracts/app-api';
import { createLogger } from '../lib/logger';
import { buildApp } from './app';
import { createBackgroundTasks } from './background';
import type { AppConfig } from './config';
import { fakeFetch, hangUntilAborted, json, type FakeHandler, type FakeRequest } from './test/fake-fetch';
import { sessionCookieFor } from './test/session-cookie';

// The app against a fake Beyond Identity (a `fetch` seam), for the failure
// paths a real cloud will not produce on demand. The happy paths run against
// the real local cloud in test/app-backend.test.ts.

const API = 'https://api.example.test/v1/tenants/t1/realms/r1';
const config: AppConfig = {
  port: 0,
  publicUrl: 'http://localhost:3000',
  sessionSecret: 's'.repeat(40),
  allowedDomains: ['api.example.test'],
  bi: {
    apiBaseUrl: 'https://api.example.test',
    authBaseUrl: 'https://auth.example.test',
    tenantId: 't1',
    realmId: 'r1',
    applicationId: 'app1',
    authenticatorConfigId: 'ac1',
    management: { kind: 'token', apiToken: 'MGMT-TOKEN' },
  },
};
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const identity = { id: 'i1', display_name: 'Ann', traits: { type: 'traits_v0', username: 'ann', primary_email_address: 'ann@example.com' } };
const job = (state = 'LINK_SENT') => ({ id: 'j1', identity_id: 'i1', delivery_method: 'RETURN', state, expire_time: '2030-01-08T00:00:00Z' });

function setup(handler: FakeHandler, distDir = '/nonexistent') {
  const lines: Record<string, any>[] = [];
  const log = createLogger({}, { write: (line) => lines.push(JSON.parse(line)) });
  const fetch = fakeFetch(handler);
  const background = createBackgroundTasks(log);
  const app = buildApp({ config, log, distDir, fetch, background });
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { app, fetch, lines, background, post };
}

/** A session cookie for Ann (i1), as a sign-in would set it. */
function cookieFor(): Promise<string> {
  return sessionCookieFor({ identity_id: 'i1', username: 'ann', display_name: 'Ann', email: 'ann@example.com' }, { secret: config.sessionSecret, publicUrl: config.publicUrl });
}

const happy = (request: FakeRequest) => {
  if (request.url.pathname.endsWith('/identities') && request.method === 'POST') return json(200, identity);
  if (request.url.pathname.endsWith('/credential-binding-jobs') && request.method === 'POST')
    return json(200, { credential_binding_job: job(), credential_binding_link: `${API}/identities/i1/credential-binding-jobs/j1:invokeAuthenticator?token=T` });
  return json(404, { code: 'not_found', message: 'not found' });
};

describe('failure paths', () => {
  it('sign-up whose binding job fails: 201 with the account and no link (it exists; only an EMAIL link reaches it now); no session', async () => {
    const t = setup((request) =>
      request.url.pathname.endsWith('/identities') ? json(200, identity) : json(500, { code: 'internal_server_error', message: 'db exploded at 10.0.0.7' }),
    );
    const response = await t.post('/api/signup', { username: 'ann', email: 'ann@example.com', display_name: 'Ann' });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(signupResponse.parse(body)).toEqual({
      me: { identity_id: 'i1', username: 'ann', display_name: 'Ann', email: 'ann@example.com' },
      binding: null,
    });
    expect(JSON.stringify(body)).not.toContain('10.0.0.7');
    expect(response.headers.get('set-cookie')).toBeNull();
    // The log has what the browser does not: the request id and the upstream answer, but no token.
    const warning = t.lines.find((l) => l.message === 'Beyond Identity call failed')!;
    expect(warning).toMatchObject({
      level: 'warn',
      requestId: response.headers.get('x-request-id'),
      code: 'cloud_error',
      upstream: { operation: 'CreateCredentialBindingJob', status: 500, code: 'internal_server_error', message: 'db exploded at 10.0.0.7' },
    });
    expect(JSON.stringify(t.lines)).not.toContain('MGMT-TOKEN');
  });

  it('an unexpected failure is 500 internal_error with a request id that the log names', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'bindery-dist-'));
    dirs.push(dist);
    mkdirSync(join(dist, 'index.html')); // a directory: reading it throws EISDIR
    const t = setup(happy, dist);
    const response = await t.app.request('/some/route');
    expect(response.status).toBe(500);
    const body = await response.json();
    expect(body).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side.', request_id: expect.stringMatching(/^[0-9a-f]{16}$/) } });
    expect(JSON.stringify(body)).not.toContain('EISDIR');
    const logged = t.lines.find((l) => l.message === 'unhandled error')!;
    expect(logged).toMatchObject({ level: 'error', requestId: body.error.request_id, path: '/some/route' });
    expect(logged.error.message).toContain('EISDIR');
  });

  it('refuses oversized bodies with 413 invalid_request', async () => {
    const t = setup(happy);
    const response = await t.post('/api/email-link', { username: 'x'.repeat(20_000) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'invalid_request', message: 'The request body is too large.' } });
    expect(t.fetch.calls).toHaveLength(0);
  });

  it('POST /api/email-link answers before any cloud call, and a cloud failure afterwards is only logged', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = setup(async () => {
      await gate;
      return json(503, { code: 'service_unavailable', message: 'down' });
    });
    const response = await t.post('/api/email-link', { username: 'ann' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      message: 'If an account matches and has an email address, a link to add a passkey is on its way. Open it on the device that should get the passkey.',
    });
    release();
    await t.background.idle();
    expect(t.fetch.calls).toHaveLength(1);
    expect(t.lines.find((l) => l.message === 'background task failed: email-link')).toMatchObject({ level: 'error', requestId: expect.any(String) });
  });

  it('preview: a failing or silent cloud is 502, never a made-up link state', async () => {
    const params = { api_base_url: 'https://api.example.test/', tenant_id: 't1', realm_id: 'r1', identity_id: 'i1', job_id: 'j1', token: 'T' };
    const failing = setup(() => json(500, { code: 'internal_server_error', message: 'x' }));
    const failed = await failing.post('/api/binding-link/preview', params);
    expect(failed.status).toBe(502);
    expect((await failed.json()).error.code).toBe('cloud_error');
    expect(failing.fetch.calls.map((c) => c.url.href)).toEqual([`${API}/identities/i1/credential-binding-jobs/j1:getInfo`]);

    const silent = setup(() => Promise.reject(new TypeError('fetch failed')));
    const unreachable = await silent.post('/api/binding-link/preview', params);
    expect(unreachable.status).toBe(502);
    expect((await unreachable.json()).error.code).toBe('cloud_unreachable');
  });

  it('preview: each :getInfo refusal is resolved through the job state', async () => {
    const params = { api_base_url: 'https://api.example.test', tenant_id: 't1', realm_id: 'r1', identity_id: 'i1', job_id: 'j1', token: 'T' };
    const cases: [number, string | undefined, string][] = [
      [410, 'EXPIRED', 'expired'],
      [409, 'COMPLETE', 'used'],
      [403, 'REVOKED', 'revoked'],
      [403, 'LINK_SENT', 'invalid'], // suspended identity, or a refused token on a pending job
      [404, 'LINK_OPENED', 'invalid'],
      [404, undefined, 'invalid'],
      // The cloud gave the link up after its email failed: cancelled, ask for a new one.
      [410, 'FAILED_TO_SEND', 'revoked'],
      [401, 'SOMETHING_NEW', 'invalid'],
    ];
    for (const [status, state, expected] of cases) {
      const t = setup((request) => {
        if (request.url.pathname.endsWith(':getInfo')) return json(status, { code: 'x', message: 'x' });
        expect(request.headers.get('authorization')).toBe('Bearer MGMT-TOKEN');
        return state ? json(200, job(state)) : json(404, { code: 'not_found', message: 'not found' });
      });
      const response = await t.post('/api/binding-link/preview', params);
      expect(await response.json(), `${status} ${state}`).toEqual({ state: expected });
    }
  });

  it('an id the cloud refuses as malformed (400) names nothing: revoke is 404, previews are invalid; a 5xx stays 502', async () => {
    const cookie = await cookieFor();
    const malformed = () =>
      json(400, {
        code: 'bad_request',
        message: 'invalid parameters',
        details: [{ type: 'FieldViolations', field_violations: [{ field: 'credential_id', description: 'must be 16 lowercase hexadecimal characters' }] }],
      });
    const t = setup(malformed);

    const revoked = await t.post('/api/me/credentials/ABCDEF0123456789/revoke', {}, { cookie });
    expect(revoked.status).toBe(404);
    expect(await revoked.json()).toEqual({ error: { code: 'not_found', message: 'You have no passkey with that id.' } });

    const own = await t.post('/api/binding-link/preview', { job_id: 'abc', own: true }, { cookie });
    expect([own.status, await own.json()]).toEqual([200, { state: 'invalid' }]);

    const params = { api_base_url: 'https://api.example.test', tenant_id: 't1', realm_id: 'r1', identity_id: 'i1', job_id: 'abc', token: 'T' };
    const emailed = await t.post('/api/binding-link/preview', params);
    expect([emailed.status, await emailed.json()]).toEqual([200, { state: 'invalid' }]);
    // The cloud was asked each time (the app's own id check lets these ids through), and nothing was logged as a cloud failure.
    expect(t.fetch.calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([
      'POST /v1/tenants/t1/realms/r1/identities/i1/credentials/ABCDEF0123456789:revoke',
      'GET /v1/tenants/t1/realms/r1/identities/i1/credential-binding-jobs/abc',
      'POST /v1/tenants/t1/realms/r1/identities/i1/credential-binding-jobs/abc:getInfo',
      'GET /v1/tenants/t1/realms/r1/identities/i1/credential-binding-jobs/abc',
    ]);
    expect(t.lines.filter((l) => l.message === 'Beyond Identity call failed')).toEqual([]);

    // A real upstream failure on the same routes is still the cloud's: 502 cloud_error.
    const down = setup(() => json(503, { code: 'service_unavailable', message: 'down' }));
    const failed = await down.post('/api/me/credentials/ABCDEF0123456789/revoke', {}, { cookie });
    expect(failed.status).toBe(502);
    expect((await failed.json()).error.code).toBe('cloud_error');
    const ownFailed = await down.post('/api/binding-link/preview', { job_id: 'abc', own: true }, { cookie });
    expect(ownFailed.status).toBe(502);
    expect((await ownFailed.json()).error.code).toBe('cloud_error');
  });

  it('a session whose identity was deleted in the cloud is cleared (401)', async () => {
    const cookie = await cookieFor();
    const gone = setup(() => json(404, { code: 'not_found', message: 'identity not found' }));
    const response = await gone.post('/api/me/binding-link', {}, { cookie });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: 'unauthenticated', message: 'Your account no longer exists. Sign up again.' } });
    expect(response.headers.get('set-cookie')).toMatch(/^bindery_session=; Max-Age=0/);
  });

  it('every API answer is no-store and carries the security headers', async () => {
    const t = setup(happy);
    for (const response of [await t.app.request('/api/config'), await t.app.request('/api/me'), await t.post('/api/logout')]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const html = await t.app.request('/');
    expect(html.status).toBe(503); // no SPA build here; still protected
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the CSP allows the configured cloud and https on the SDK domains, nothing else', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'bindery-dist-'));
    dirs.push(dist);
    writeFileSync(join(dist, 'index.html'), '<!doctype html>');
    const t = setup(happy, dist);
    const page = await t.app.request('/bind');
    expect(page.headers.get('content-security-policy')).toBe(
      [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
        "connect-src 'self' https://api.example.test https://auth.example.test https://api.example.test:*",
        "img-src 'self' data: https://api.example.test https://auth.example.test",
        "style-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
  });

  it('lets the documents that start the SDK profile themselves (eager-source-positions.ts), and no other', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'bindery-dist-'));
    dirs.push(dist);
    writeFileSync(join(dist, 'index.html'), '<!doctype html>');
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'assets', 'app-Ab12.js'), 'export {};');
    const t = setup(happy, dist);
    // /signup goes on to /bind in the same document.
    for (const path of ['/bind', '/bind/', '/bi-authenticate', '/passkeys', '/signup']) {
      const page = await t.app.request(path);
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(page.headers.get('document-policy'), path).toBe('js-profiling');
    }
    // The policy has a price (V8 logs every compile): not on pages that never start the SDK.
    // `/` comes from the static files, the others from the SPA handler.
    for (const path of ['/', '/email-link', '/no-such-page']) {
      const page = await t.app.request(path);
      expect(page.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(page.headers.get('document-policy'), path).toBeNull();
    }
    for (const path of ['/assets/app-Ab12.js', '/api/config']) {
      const response = await t.app.request(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('document-policy'), path).toBeNull();
    }
  });

  it('a hung cloud times out (5 s by default) as cloud_unreachable instead of hanging the request', async () => {
    // The 5 s is asserted as what the request asks for, not by waiting for it: a test asserts
    // behaviour, not speed. The signal it gets fires at once, so the hang ends by the timeout.
    const timeout = AbortSignal.timeout.bind(AbortSignal);
    const asked = vi.spyOn(AbortSignal, 'timeout').mockImplementation(() => timeout(1));
    try {
      const t = setup(hangUntilAborted);
      const response = await t.post('/api/signup', { username: 'ann', email: 'ann@example.com', display_name: 'Ann' });
      expect(response.status).toBe(502);
      expect((await response.json()).error.code).toBe('cloud_unreachable');
      expect(asked).toHaveBeenCalledWith(5_000);
      expect(t.fetch.calls).toHaveLength(1);
    } finally {
      asked.mockRestore();
    }
  });

  it('built files: gzip when accepted, cached for good when the name carries a content hash', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'bindery-dist-'));
    dirs.push(dist);
    mkdirSync(join(dist, 'assets'));
    const sdk = 'var embeddedsdk = 1;\n'.repeat(100);
    writeFileSync(join(dist, 'assets', 'bi-embedded-CKD8Ityd.js'), sdk);
    writeFileSync(join(dist, 'assets', 'bi-embedded-CKD8Ityd.js.gz'), gzipSync(sdk));
    writeFileSync(join(dist, 'favicon.svg'), '<svg/>');
    const t = setup(happy, dist);

    const zipped = await t.app.request('/assets/bi-embedded-CKD8Ityd.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(zipped.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(sdk);

    const plain = await t.app.request('/assets/bi-embedded-CKD8Ityd.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(sdk);

    const icon = await t.app.request('/favicon.svg', { headers: { 'accept-encoding': 'gzip' } });
    expect(icon.headers.get('cache-control')).toBeNull();
    expect(await icon.text()).toBe('<svg/>');

    // An old build's chunk is gone: 404, never the SPA's page (and never cached).
    const gone = await t.app.request('/assets/app-Zz9Yy8Xx.js');
    expect(gone.status).toBe(404);
    expect(gone.headers.get('cache-control')).toBe('no-store');
    expect(gone.headers.get('content-type')).not.toMatch(/html/);
  });
});
