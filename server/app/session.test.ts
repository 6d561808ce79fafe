import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createSessions, SESSION_SECONDS, type SessionOptions } from './session';

const SECRET = 'k'.repeat(40);
const me = { identity_id: 'i1', username: 'ann', display_name: 'Ann', email: 'ann@example.com' };

/** A tiny app: POST /in starts a session, GET /me reads it (401 without), POST /out clears it. */
function sessionApp(options: Partial<SessionOptions> = {}) {
  let now = Date.parse('2030-01-01T00:00:00Z');
  const sessions = createSessions({ secret: SECRET, publicUrl: 'http://localhost:3000', clock: () => new Date(now), ...options });
  const app = new Hono();
  app.post('/in', async (c) => {
    await sessions.start(c, me);
    return c.body(null, 204);
  });
  app.get('/me', async (c) => {
    const session = await sessions.read(c);
    return session ? c.json(session) : c.json({ error: 'unauthenticated' }, 401);
  });
  app.post('/out', (c) => {
    sessions.clear(c);
    return c.body(null, 204);
  });
  const cookieOf = async () => (await app.request('/in', { method: 'POST' })).headers.get('set-cookie')!;
  const readWith = (cookie: string) => app.request('/me', { headers: { cookie } });
  return { app, cookieOf, readWith, advance: (ms: number) => (now += ms), nowSeconds: () => Math.floor(now / 1000) };
}

describe('session cookie', () => {
  it('is httpOnly, SameSite=Lax, 7 days, not Secure on http; reads back the person with an exp', async () => {
    const s = sessionApp();
    const setCookie = await s.cookieOf();
    expect(setCookie).toMatch(/^bindery_session=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/);
    const read = await s.readWith(setCookie.split(';')[0]!);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ ...me, exp: s.nowSeconds() + SESSION_SECONDS });
  });

  it('is Secure and __Host- prefixed when the app is served over https', async () => {
    const s = sessionApp({ publicUrl: 'https://app.example.com' });
    const setCookie = await s.cookieOf();
    expect(setCookie).toMatch(/^__Host-bindery_session=[^;]+; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect((await s.readWith(setCookie.split(';')[0]!)).status).toBe(200);
    // The unprefixed name (settable by a sibling http page) is not accepted.
    expect((await s.readWith(setCookie.split(';')[0]!.replace('__Host-', ''))).status).toBe(401);
  });

  it('refuses a tampered value, a tampered signature, another secret, and garbage', async () => {
    const s = sessionApp();
    const cookie = (await s.cookieOf()).split(';')[0]!;
    const [name, encoded] = cookie.split('=') as [string, string];
    const signed = decodeURIComponent(encoded);
    const dot = signed.lastIndexOf('.');
    const value = signed.slice(0, dot);
    const signature = signed.slice(dot + 1);
    const payload = JSON.parse(Buffer.from(value, 'base64url').toString());
    const forgedValue = Buffer.from(JSON.stringify({ ...payload, identity_id: 'someone-else' })).toString('base64url');
    const variants = [
      `${forgedValue}.${signature}`,
      `${value}.${signature.slice(0, -2)}AA=`,
      `${value}x.${signature}`,
      'garbage',
      '',
    ];
    for (const variant of variants) expect((await s.readWith(`${name}=${encodeURIComponent(variant)}`)).status, variant).toBe(401);

    const other = sessionApp({ secret: 'z'.repeat(40) });
    expect((await other.readWith(cookie)).status).toBe(401);
    expect((await s.readWith(cookie)).status).toBe(200);
  });

  it('expires after 7 days even if the browser keeps sending it', async () => {
    const s = sessionApp();
    const cookie = (await s.cookieOf()).split(';')[0]!;
    s.advance(SESSION_SECONDS * 1000 - 1000);
    expect((await s.readWith(cookie)).status).toBe(200);
    s.advance(1000);
    expect((await s.readWith(cookie)).status).toBe(401);
  });

  it('clear() expires the cookie', async () => {
    const s = sessionApp();
    const out = await s.app.request('/out', { method: 'POST' });
    expect(out.headers.get('set-cookie')).toBe('bindery_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
  });
});
