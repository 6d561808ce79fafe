import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { z } from 'zod';
import type { MeResponse } from '../../contracts/app-api';
import { BiError } from './bi/errors';
import { AppError, unauthenticated } from './errors';

/** Sessions last 7 days from sign-in; there is no server-side state to extend them with. */
export const SESSION_SECONDS = 7 * 24 * 3600;
const COOKIE_NAME = 'bindery_session';

const sessionPayload = z.object({
  identity_id: z.string().min(1),
  username: z.string(),
  display_name: z.string(),
  email: z.string().optional(),
  /** Expiry, seconds since the epoch: checked on every read, since a browser may keep a cookie past Max-Age. */
  exp: z.number().int(),
});
export type Session = z.infer<typeof sessionPayload>;

export interface SessionOptions {
  secret: string;
  /** The app's public URL: `https:` makes the cookie `Secure` (and `__Host-`-prefixed). */
  publicUrl: string;
  clock?: () => Date;
}

/**
 * The session as a signed cookie (HMAC-SHA256 over the value, by hono/cookie):
 * httpOnly so page scripts cannot read it, SameSite=Lax so other sites'
 * requests do not carry it on POSTs. The backend keeps no session state, so any
 * instance with the same secret can serve any request.
 */
export function createSessions(options: SessionOptions) {
  const clock = options.clock ?? (() => new Date());
  const secure = new URL(options.publicUrl).protocol === 'https:';
  // `__Host-` pins the cookie to this exact origin (no Domain, Path=/), which browsers only allow with Secure.
  const cookieOptions: CookieOptions = secure
    ? { httpOnly: true, sameSite: 'Lax', path: '/', secure: true, prefix: 'host' }
    : { httpOnly: true, sameSite: 'Lax', path: '/' };
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);

  /** The session of the request, or undefined when there is none, it is tampered with, or it has expired. */
  async function read(c: Context): Promise<Session | undefined> {
    const value = await getSignedCookie(c, options.secret, COOKIE_NAME, secure ? 'host' : undefined);
    if (!value) return undefined; // absent (undefined) or a bad signature (false)
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const parsed = sessionPayload.safeParse(json);
    if (!parsed.success || parsed.data.exp <= nowSeconds()) return undefined;
    return parsed.data;
  }

  return {
    /** Starts a session for `me`: sets the cookie on the response. */
    async start(c: Context, me: MeResponse): Promise<void> {
      const session: Session = { ...me, exp: nowSeconds() + SESSION_SECONDS };
      const value = Buffer.from(JSON.stringify(session)).toString('base64url');
      await setSignedCookie(c, COOKIE_NAME, value, options.secret, { ...cookieOptions, maxAge: SESSION_SECONDS });
    },

    read,

    /** The session, or a 401 `unauthenticated`. */
    async require(c: Context): Promise<Session> {
      const session = await read(c);
      if (!session) throw unauthenticated();
      return session;
    },

    /** Ends the session: expires the cookie. */
    clear(c: Context): void {
      deleteCookie(c, COOKIE_NAME, cookieOptions);
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

/** The signed-in person as the API shows them. */
export function meOf(session: Session): MeResponse {
  return {
    identity_id: session.identity_id,
    username: session.username,
    display_name: session.display_name,
    ...(session.email ? { email: session.email } : {}),
  };
}

/**
 * Runs a cloud call about the session's own identity. When the cloud no
 * longer knows that identity (deleted in the console, say), the session is
 * worthless: it is cleared and the answer is 401, so the SPA signs the person out.
 */
export async function forSessionIdentity<T>(c: Context, sessions: Sessions, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof BiError && error.code === 'not_found') {
      sessions.clear(c);
      throw new AppError(401, 'unauthenticated', 'Your account no longer exists. Sign up again.', { cause: error });
    }
    throw error;
  }
}
