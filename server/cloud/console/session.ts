import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { CSRF_HEADER } from '../../../contracts/console-api';
import { hashSecret, newSecret } from '../../lib/ids';
import type { CloudDeps } from '../deps';
import { badCsrf, noSession } from './errors';
import type { AdminRecord } from './repository';

/**
 * Console sessions are rows in `console_sessions`, found by the SHA-256 of the
 * random id in the cookie (a stateless signed cookie was the alternative).
 * Why a table: signing out must end the session for real, also for a copy of
 * the cookie; the DATA_DIR already holds the database, so there is no second
 * secret to keep; and one indexed lookup per request is nothing for SQLite.
 */
export const SESSION_COOKIE = 'bindery_console';
/** The cookie is scoped to the console's pages and API; nothing else on the cloud's origin sees it. */
export const SESSION_COOKIE_PATH = '/console';
/** A session ends this long after sign-in at the latest... */
export const SESSION_LIFETIME_MS = 12 * 3600_000;
/** ...or after this long without a request. */
export const SESSION_IDLE_MS = 2 * 3600_000;
/** `last_seen_time` is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export interface ConsoleVariables {
  requestId: string;
  admin: AdminRecord;
  /** SHA-256 of the session id (the row's key). */
  sessionHash: string;
  csrfToken: string;
  sessionExpireTime: string;
  /** Set by the realm guard on `/console/api/realms/:realm_id/*`. */
  realmId: string;
}

export interface ConsoleEnv {
  Variables: ConsoleVariables;
}

/**
 * The session's CSRF token, derived from the session id rather than stored:
 * it changes with every session, and the database (which holds only the id's
 * SHA-256) cannot reproduce it.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`bindery-console-csrf\0${sessionId}`).digest('base64url');
}

/** Starts a session for `admin`: a row and the cookie. Always a new id (no session fixation). */
export function startSession(c: Context, deps: CloudDeps, admin: AdminRecord, now: Date): { csrfToken: string; expireTime: string } {
  const sessionId = newSecret(32);
  const expireTime = new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString();
  deps.repos.console.deleteExpiredSessions(now, SESSION_IDLE_MS);
  deps.repos.console.insertSession({
    id_hash: hashSecret(sessionId),
    admin_id: admin.id,
    create_time: now.toISOString(),
    last_seen_time: now.toISOString(),
    expire_time: expireTime,
  });
  setCookie(c, SESSION_COOKIE, sessionId, {
    path: SESSION_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    // The cloud serves http on loopback and https on its TLS port; Secure only where it can work:
    // a request over https, or a cloud whose public URL is https (a proxy in front ends TLS, and
    // the request reaches the cloud as http while the browser is on https).
    secure: new URL(c.req.url).protocol === 'https:' || new URL(deps.config.apiBaseUrl).protocol === 'https:',
    maxAge: SESSION_LIFETIME_MS / 1000,
  });
  return { csrfToken: csrfTokenFor(sessionId), expireTime };
}

/** Ends the request's session: the row goes, and the cookie is cleared. */
export function endSession(c: Context<ConsoleEnv>, deps: CloudDeps): void {
  deps.repos.console.deleteSession(c.get('sessionHash'));
  deleteCookie(c, SESSION_COOKIE, { path: SESSION_COOKIE_PATH, httpOnly: true, sameSite: 'Strict' });
}

/** The signed-in admin behind a session cookie value, or undefined (unknown, expired, idle too long). */
export function resolveSession(deps: CloudDeps, sessionId: string | undefined, now: Date) {
  if (!sessionId || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return undefined;
  const idHash = hashSecret(sessionId);
  const session = deps.repos.console.session(idHash);
  if (!session) return undefined;
  const idleUntil = Date.parse(session.last_seen_time) + SESSION_IDLE_MS;
  if (Date.parse(session.expire_time) <= now.getTime() || idleUntil <= now.getTime()) {
    // Not awaited: the session is refused either way, and a read must not wait for the write lock.
    deps.write(() => deps.repos.console.deleteSession(idHash)).catch((error: unknown) => deps.log.warn('console: expired session not deleted', { error }));
    return undefined;
  }
  const admin = deps.repos.console.adminById(session.admin_id);
  if (!admin) return undefined;
  return { admin, session, idHash };
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Guards `/console/api/*` except signing in: 401 without a live session,
 * then 403 `csrf` for a non-GET request without the session's token in
 * `X-CSRF-Token`. (SameSite=Strict already keeps the cookie off cross-site
 * requests; the token also stops anything that gets a same-site request out of
 * a browser, such as a form on another port of localhost.)
 */
export function requireSession(deps: CloudDeps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    if (c.req.method === 'POST' && c.req.path === '/console/api/session') return next();
    const now = deps.clock();
    const sessionId = getCookie(c, SESSION_COOKIE);
    const found = resolveSession(deps, sessionId, now);
    if (!found) throw noSession();
    const csrfToken = csrfTokenFor(sessionId!);
    if (!SAFE_METHODS.has(c.req.method) && !sameSecret(c.req.header(CSRF_HEADER), csrfToken)) throw badCsrf();
    if (now.getTime() - Date.parse(found.session.last_seen_time) >= TOUCH_EVERY_MS) await deps.write(() => deps.repos.console.touchSession(found.idHash, now));
    c.set('admin', found.admin);
    c.set('sessionHash', found.idHash);
    c.set('csrfToken', csrfToken);
    c.set('sessionExpireTime', found.session.expire_time);
    await next();
  };
}

/** Constant-time comparison of a presented secret with the expected one (hashed first, so lengths do not leak). */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
