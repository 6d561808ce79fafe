import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONSOLE_API_ROUTES, consoleErrorBody, type ConsoleRouteName } from '../../../contracts/console-api';
import { devTenantSchema } from '../../../contracts/dev-tenant';
import { newId } from '../../lib/ids';
import { ensureDevTenant } from '../seed';
import { createTestCloud } from '../test/harness';
import { DEFAULT_SCRYPT_COST, parsePasswordHash, verifyPassword } from './password';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS } from './session';
import { ADMIN, ConsoleClient, createConsoleTest, sessionCookie, signedInConsole } from './test/console-client';

let dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-console-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Every route of the contract with its parameters filled in (the real realm, other ids made up). */
function everyRoute(realmId: string) {
  return (Object.entries(CONSOLE_API_ROUTES) as [ConsoleRouteName, { method: string; path: string }][]).map(([name, route]) => ({
    name,
    method: route.method,
    path: route.path.replace(/:([a-z_]+)/g, (_, param: string) => (param === 'realm_id' ? realmId : newId())),
  }));
}

function identityCount(client: ConsoleClient): number {
  return client.t.db.prepare('SELECT count(*) FROM identities').pluck().get() as number;
}

const ROUTES_BUT_SIGN_IN = everyRoute('0000000000000000').filter((r) => r.name !== 'signIn');

describe('console authentication: no session', () => {
  it('lists every contract route for these tests (sign-in aside)', () => {
    expect(ROUTES_BUT_SIGN_IN).toHaveLength(Object.keys(CONSOLE_API_ROUTES).length - 1);
    expect(ROUTES_BUT_SIGN_IN.length).toBeGreaterThan(30);
  });

  it.each(ROUTES_BUT_SIGN_IN.map((r) => [r.name, r.method] as const))('%s (%s) answers 401 without a session, and with a forged one', async (name) => {
    const { client, t } = createConsoleTest();
    const route = everyRoute(t.tenant.realm_id).find((r) => r.name === name)!;
    const before = identityCount(client);
    for (const cookie of [null, 'A'.repeat(43), 'not-a-session']) {
      const response = await client.request(route.method, route.path, {
        cookie,
        csrf: 'whatever',
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : { username: 'x', display_name: 'x', application_id: newId() },
      });
      expect(response.status, `${route.method} ${route.path} cookie=${cookie}`).toBe(401);
      expect(response.body).toEqual({ code: 'unauthorized', message: 'sign in to the console' });
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect(identityCount(client)).toBe(before);
  });

  it('answers 401 for unknown API paths too, and 404 once signed in', async () => {
    const { client } = await signedInConsole();
    expect((await client.get('/console/api/nope', { cookie: null })).status).toBe(401);
    const signedIn = await client.get('/console/api/nope');
    expect(signedIn.status).toBe(404);
    expect(signedIn.body).toEqual({ code: 'not_found', message: 'there is no such console API endpoint' });
  });

  it('ends a session 12 hours after sign-in, or after 2 idle hours', async () => {
    const { client, t } = await signedInConsole();
    t.advance(SESSION_IDLE_MS - 60_000);
    expect((await client.get('/console/api/session')).status).toBe(200);
    t.advance(SESSION_IDLE_MS - 60_000);
    expect((await client.get('/console/api/session')).status).toBe(200);
    t.advance(SESSION_IDLE_MS + 1);
    expect((await client.get('/console/api/session')).status).toBe(401);

    const other = new ConsoleClient(t);
    expect((await other.signIn()).status).toBe(200);
    for (let i = 0; i < 12; i++) {
      t.advance(SESSION_LIFETIME_MS / 12 - 1000);
      expect((await other.get('/console/api/session')).status, `hour ${i}`).toBe(200);
    }
    t.advance(12 * 1000 + 1);
    expect((await other.get('/console/api/session')).status).toBe(401);
  });

  it('serves the console page without a session, with nothing in it but the built file, under a strict CSP', async () => {
    const dist = tempDir();
    const html = '<!doctype html><html><head><script type="module" src="/assets/console-AbCd1234.js"></script></head><body><div id="root"></div></body></html>';
    writeFileSync(join(dist, 'console.html'), html);
    const { client } = createConsoleTest({ distDir: dist });
    for (const path of ['/console', '/console/', '/console/identities/0123456789abcdef']) {
      const page = await client.get(path, { cookie: null });
      expect(page.status, path).toBe(200);
      expect(page.text).toBe(html);
      expect(page.headers.get('content-security-policy')).toBe(
        "default-src 'self'; img-src 'self' data: http: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('set-cookie')).toBeNull();
    }
  });
});

describe('console authentication: signing in', () => {
  it('marks the cookie Secure when the cloud’s public URL is https, though the request came as http (TLS ended by a proxy)', async () => {
    const { client } = createConsoleTest({}, { apiBaseUrl: 'https://cloud.example', authBaseUrl: 'https://cloud.example' });
    const response = await client.signIn();
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('bindery_console='))!;
    expect(cookie).toMatch(/; Secure(;|$)/);
  });

  it('sets an httpOnly, SameSite=Strict cookie scoped to /console and answers the session with a CSRF token', async () => {
    const { client, t } = createConsoleTest();
    const response = await client.signIn();
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('bindery_console='))!;
    expect(cookie).toMatch(/^bindery_console=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/console; HttpOnly; SameSite=Strict$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(cookie).not.toMatch(/Secure/);
    const session = client.session!;
    expect(session).toMatchObject({
      admin: { username: ADMIN.username, last_sign_in_time: expect.any(String) },
      tenant: { id: t.tenant.tenant_id, display_name: 'Bindery Dev' },
      realms: [{ id: t.tenant.realm_id, display_name: 'Bindery' }],
      default_realm_id: t.tenant.realm_id,
      cloud: { api_base_url: 'http://localhost:8787', auth_base_url: 'http://localhost:8787' },
      inbox: null,
    });
    expect(session.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrf_token).not.toBe(client.cookie);
    // The database keeps only a hash of the session id.
    const rows = t.db.prepare('SELECT * FROM console_sessions').all();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(client.cookie);
    // GET /session answers the same session (same token) and needs no CSRF token.
    const again = await client.get('/console/api/session');
    expect(again.status).toBe(200);
    expect(again.body.csrf_token).toBe(session.csrf_token);
  });

  it('says where the capture inbox is when it runs', async () => {
    const { client } = createConsoleTest({ inboxUrl: 'http://localhost:8787/inbox' });
    await client.signIn();
    expect(client.session!.inbox).toEqual({ url: 'http://localhost:8787/inbox' });
  });

  it('refuses a bad password with 401 and a generic message, sets no cookie, and audits it', async () => {
    const { client, t, admin } = createConsoleTest();
    const wrong = await client.signIn(ADMIN.username, 'wrong password');
    expect(wrong.status).toBe(401);
    expect(consoleErrorBody.parse(wrong.body)).toEqual({ code: 'invalid_credentials', message: 'invalid username or password' });
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const unknown = await client.signIn('nobody', ADMIN.password);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    const caseOnly = await client.signIn(ADMIN.username, ADMIN.password.toUpperCase());
    expect(caseOnly.status).toBe(401);

    // Audited just after the answer: the answer does not wait for it (a real username must not answer slower).
    await vi.waitFor(() => {
      const events = t.cloud.deps.repos.audit.list(t.tenant.tenant_id).filter((e) => e.action.startsWith('console.'));
      expect(events.map((e) => [e.action, e.actor, e.resource_type, e.resource_id])).toEqual([
        ['console.sign_in_failed', 'anonymous', 'Admin', admin.id],
        ['console.sign_in_failed', 'anonymous', 'Admin', admin.id],
      ]);
    });
    // The unknown username is not recorded anywhere (it may be a password typed in the wrong field).
    expect(JSON.stringify(t.db.prepare('SELECT * FROM audit_events').all())).not.toContain('nobody');
    expect(t.db.prepare('SELECT count(*) FROM console_sessions').pluck().get()).toBe(0);

    // The username is not case-sensitive; the password is.
    expect((await client.signIn(ADMIN.username.toUpperCase(), ADMIN.password)).status).toBe(200);
  });

  it('answers 400 naming the fields for a missing username or password, and 415 for a form post', async () => {
    const { client } = createConsoleTest();
    const missing = await client.post('/console/api/session', { username: '' }, { cookie: null, csrf: null });
    expect(missing.status).toBe(400);
    expect(missing.body.details[0].field_violations.map((v: { field: string }) => v.field)).toEqual(['username', 'password']);
    const form = await client.request('POST', '/console/api/session', {
      rawBody: `username=${ADMIN.username}&password=${encodeURIComponent(ADMIN.password)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
  });
});

describe('console authentication: rate limit', () => {
  it('refuses the 6th failure within 15 minutes with 429 and Retry-After, and the right password as well, until the window passes', async () => {
    const { client, t } = createConsoleTest();
    for (let i = 1; i <= 5; i++) {
      const failed = await client.signIn(ADMIN.username, `guess ${i}`);
      expect(failed.status, `attempt ${i}`).toBe(401);
    }
    const sixth = await client.signIn(ADMIN.username, 'guess 6');
    expect(sixth.status).toBe(429);
    expect(sixth.body).toEqual({ code: 'too_many_requests', message: 'too many failed sign-ins; try again in 900 s' });
    expect(sixth.headers.get('retry-after')).toBe('900');

    const right = await client.signIn(ADMIN.username, ADMIN.password);
    expect(right.status).toBe(429);
    expect(right.headers.getSetCookie()).toEqual([]);
    // Any spelling of the username is the same account.
    expect((await client.signIn(ADMIN.username.toUpperCase(), ADMIN.password)).status).toBe(429);

    t.advance(10 * 60_000);
    const later = await client.signIn(ADMIN.username, ADMIN.password);
    expect(later.status).toBe(429);
    expect(Number(later.headers.get('retry-after'))).toBeGreaterThan(290);
    expect(Number(later.headers.get('retry-after'))).toBeLessThanOrEqual(300);

    t.advance(5 * 60_000 + 1000);
    expect((await client.signIn(ADMIN.username, ADMIN.password)).status).toBe(200);
    // Throttled attempts do not count as failures, and success clears the username's count.
    expect(t.cloud.deps.repos.audit.list(t.tenant.tenant_id).filter((e) => e.action === 'console.sign_in_failed')).toHaveLength(5);
    for (let i = 1; i <= 5; i++) expect((await client.signIn(ADMIN.username, `again ${i}`)).status).toBe(401);
    expect((await client.signIn(ADMIN.username, ADMIN.password)).status).toBe(429);
  });

  it('limits failures per client address across usernames', async () => {
    const { client } = createConsoleTest({ signInLimits: { perIp: { limit: 3, windowMs: 15 * 60_000 } } });
    for (const username of ['ann', 'bob', 'cy']) expect((await client.signIn(username, 'x')).status).toBe(401);
    const refused = await client.signIn(ADMIN.username, ADMIN.password);
    expect(refused.status).toBe(429);
    // The window started with the first failure, a moment (three password hashes) ago.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(890);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(900);
  });

  it('does not let concurrent guesses slip past the limit while hashes are computed', async () => {
    const { client } = createConsoleTest();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => client.signIn(ADMIN.username, `parallel ${i}`)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });
});

describe('console authentication: CSRF', () => {
  it('refuses a change without the token, or with a wrong one, with 403 csrf, and changes nothing', async () => {
    const { client, t } = await signedInConsole();
    const created = await client.post(client.realmPath('/identities'), { username: 'kept', display_name: 'Kept' });
    expect(created.status).toBe(200);
    const before = identityCount(client);
    const other = new ConsoleClient(t);
    await other.signIn();
    for (const csrf of [null, '', 'wrong', other.session!.csrf_token, client.cookie!]) {
      const attempts = [
        await client.post(client.realmPath('/identities'), { username: 'mallory', display_name: 'Mallory' }, { csrf }),
        await client.patch(client.realmPath(`/identities/${created.body.id}`), { display_name: 'Changed' }, { csrf }),
        await client.del(client.realmPath(`/identities/${created.body.id}`), { csrf }),
        await client.post(client.realmPath('/tokens'), { scopes: ['identities:read'] }, { csrf }),
        await client.del('/console/api/session', { csrf }),
      ];
      for (const response of attempts) {
        expect(response.status, `csrf=${csrf}`).toBe(403);
        expect(response.body).toEqual({ code: 'csrf', message: 'missing or wrong X-CSRF-Token; reload the session' });
      }
    }
    expect(identityCount(client)).toBe(before);
    const kept = await client.get(client.realmPath(`/identities/${created.body.id}`));
    expect(kept.body.display_name).toBe('Kept');
    expect((await client.get('/console/api/session')).status).toBe(200);
    // The right token works.
    expect((await client.patch(client.realmPath(`/identities/${created.body.id}`), { display_name: 'Changed' })).status).toBe(200);
  });

  it('checks the session before the token: no session is 401 even without a token', async () => {
    const { client } = createConsoleTest();
    const response = await client.post(client.realmPath('/identities'), { username: 'x', display_name: 'x' }, { csrf: null });
    expect(response.status).toBe(401);
  });
});

describe('console authentication: signing out', () => {
  it('ends the session server-side: the old cookie is refused afterwards', async () => {
    const { client, t } = await signedInConsole();
    const cookie = client.cookie!;
    const out = await client.del('/console/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().find((c) => c.startsWith('bindery_console='))).toMatch(/^bindery_console=; Max-Age=0; Path=\/console;/);
    expect(t.db.prepare('SELECT count(*) FROM console_sessions').pluck().get()).toBe(0);
    const replay = await client.get('/console/api/session', { cookie });
    expect(replay.status).toBe(401);
    expect((await client.get(client.realmPath('/identities'), { cookie })).status).toBe(401);
    expect((await client.del('/console/api/session', { cookie })).status).toBe(401);
    expect(t.cloud.deps.repos.audit.list(t.tenant.tenant_id).map((e) => e.action)).toContain('console.sign_out');
  });

  it('ends only its own session', async () => {
    const { client, t } = await signedInConsole();
    const other = new ConsoleClient(t);
    await other.signIn();
    expect((await other.del('/console/api/session')).status).toBe(204);
    expect((await client.get('/console/api/session')).status).toBe(200);
  });
});

describe('the seeded admin', () => {
  it('is created on the first start with a random password in dev-tenant.json, stored as scrypt', async () => {
    const t = createTestCloud();
    const dir = tempDir();
    // A directory of its own: ensureDevTenant finds the harness's tenant already in the database.
    writeFileSync(join(dir, 'dev-tenant.json'), JSON.stringify(t.tenant));
    const dev = ensureDevTenant(t.cloud.deps, { dataDir: dir, appOrigin: 'http://localhost:3000' });
    expect(dev.console).toEqual({ url: 'http://localhost:8787/console', username: 'admin', password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/) });
    expect(devTenantSchema.parse(JSON.parse(readFileSync(join(dir, 'dev-tenant.json'), 'utf8'))).console).toEqual(dev.console);

    const row = t.db.prepare(`SELECT * FROM admins WHERE username = 'admin'`).get() as { password_hash: string; tenant_id: string };
    expect(row.tenant_id).toBe(t.tenant.tenant_id);
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=16,r=8,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parsePasswordHash(row.password_hash)!.cost).toEqual(DEFAULT_SCRYPT_COST);
    // The password itself is nowhere in the database.
    for (const table of t.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]) {
      expect(JSON.stringify(t.db.prepare(`SELECT * FROM "${table}"`).all()), table).not.toContain(dev.console!.password);
    }
    expect(await verifyPassword(dev.console!.password, row.password_hash)).toBe(true);
    expect(await verifyPassword(`${dev.console!.password}x`, row.password_hash)).toBe(false);

    const client = new ConsoleClient(t);
    expect((await client.signIn('admin', dev.console!.password)).status).toBe(200);
    // Each sign-in starts a new session id.
    const firstCookie = client.cookie;
    const second = await client.signIn('admin', dev.console!.password);
    expect(sessionCookie(second.headers)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessionCookie(second.headers)).not.toBe(firstCookie);
  });

  it('keeps its password on later starts, and an older dev-tenant.json without `console` gets an admin then', () => {
    const t = createTestCloud();
    const dir = tempDir();
    // From a run before the console: no `console` key.
    writeFileSync(join(dir, 'dev-tenant.json'), JSON.stringify(t.tenant));
    expect(t.tenant.console).toBeUndefined();
    const first = ensureDevTenant(t.cloud.deps, { dataDir: dir, appOrigin: 'http://localhost:3000' });
    const hash = t.db.prepare(`SELECT password_hash FROM admins`).pluck().get();
    const second = ensureDevTenant(t.cloud.deps, { dataDir: dir, appOrigin: 'http://localhost:3000' });
    expect(second.console).toEqual(first.console);
    expect(t.db.prepare(`SELECT password_hash FROM admins`).pluck().get()).toBe(hash);
    expect(t.db.prepare(`SELECT count(*) FROM admins`).pluck().get()).toBe(1);

    // The file lost its `console` (the password cannot be recovered from the hash): a new one is set.
    const { console: _lost, ...older } = second;
    writeFileSync(join(dir, 'dev-tenant.json'), JSON.stringify(older));
    const third = ensureDevTenant(t.cloud.deps, { dataDir: dir, appOrigin: 'http://localhost:3000' });
    expect(third.console!.username).toBe('admin');
    expect(third.console!.password).not.toBe(first.console!.password);
    expect(t.db.prepare(`SELECT count(*) FROM admins`).pluck().get()).toBe(1);
    expect(t.db.prepare(`SELECT password_hash FROM admins`).pluck().get()).not.toBe(hash);
  });

  it('uses a fresh salt for every hash', () => {
    const t = createTestCloud();
    const other = t.otherTenant();
    const dirs2 = [tempDir(), tempDir()];
    writeFileSync(join(dirs2[0]!, 'dev-tenant.json'), JSON.stringify(t.tenant));
    writeFileSync(join(dirs2[1]!, 'dev-tenant.json'), JSON.stringify(other));
    const a = ensureDevTenant(t.cloud.deps, { dataDir: dirs2[0]!, appOrigin: 'http://localhost:3000' });
    const b = ensureDevTenant(t.cloud.deps, { dataDir: dirs2[1]!, appOrigin: 'http://localhost:3000' });
    // Usernames are unique across tenants: the second tenant's admin gets a suffix.
    expect(a.console!.username).toBe('admin');
    expect(b.console!.username).toBe(`admin-${other.tenant_id.slice(0, 8)}`);
    const salts = (t.db.prepare('SELECT password_hash FROM admins').pluck().all() as string[]).map((h) => h.split('$')[3]);
    expect(new Set(salts).size).toBe(2);
  });
});
