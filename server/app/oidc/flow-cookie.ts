import { createHmac } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { z } from 'zod';

/** How long a started sign-in may take, from `/auth/login` to `/auth/callback`. */
export const FLOW_SECONDS = 10 * 60;
const COOKIE_NAME = 'bindery_oidc';

const flowPayload = z.object({
  /** PKCE code verifier. */
  verifier: z.string().min(43),
  state: z.string().min(1),
  nonce: z.string().min(1),
  /** A same-origin path, checked by `safeReturnTo` before it was stored. */
  returnTo: z.string(),
  /** Expiry, seconds since the epoch: checked on read, since a browser may keep a cookie past Max-Age. */
  exp: z.number().int(),
});
export type SignInFlow = z.infer<typeof flowPayload>;

export interface FlowCookieOptions {
  /** The session secret; the cookie is signed with a key derived from it, not with it. */
  secret: string;
  publicUrl: string;
  clock?: () => Date;
}

/**
 * A started sign-in (PKCE verifier, state, nonce, where to go afterwards) in
 * a short-lived signed cookie, so the backend keeps no state between
 * `/auth/login` and `/auth/callback` and any instance can finish what
 * another started. The verifier and nonce are secrets for the browser's
 * eyes only: the cookie is httpOnly. SameSite=Lax, so the cookie rides on
 * the top-level GET back from Beyond Identity (hosted flows come cross-site)
 * but on no cross-site POST.
 */
export function createFlowCookie(options: FlowCookieOptions) {
  const clock = options.clock ?? (() => new Date());
  // A key of its own: a signed session value can never pass as a flow, nor the reverse.
  const key = createHmac('sha256', options.secret).update('bindery oidc flow cookie v1').digest('base64url');
  const secure = new URL(options.publicUrl).protocol === 'https:';
  const cookieOptions: CookieOptions = secure
    ? { httpOnly: true, sameSite: 'Lax', path: '/', secure: true, prefix: 'host' }
    : { httpOnly: true, sameSite: 'Lax', path: '/' };
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);

  return {
    /** Stores the flow on the response; it expires FLOW_SECONDS from now. */
    async start(c: Context, flow: Omit<SignInFlow, 'exp'>): Promise<void> {
      const value = Buffer.from(JSON.stringify({ ...flow, exp: nowSeconds() + FLOW_SECONDS } satisfies SignInFlow)).toString('base64url');
      await setSignedCookie(c, COOKIE_NAME, value, key, { ...cookieOptions, maxAge: FLOW_SECONDS });
    },

    /** The request's flow, or undefined when it is missing, tampered with, or expired. */
    async read(c: Context): Promise<SignInFlow | undefined> {
      const value = await getSignedCookie(c, key, COOKIE_NAME, secure ? 'host' : undefined);
      if (!value) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
      } catch {
        return undefined;
      }
      const parsed = flowPayload.safeParse(json);
      if (!parsed.success || parsed.data.exp <= nowSeconds()) return undefined;
      return parsed.data;
    },

    /** Expires the cookie: a flow is finished once, whatever the outcome. */
    clear(c: Context): void {
      deleteCookie(c, COOKIE_NAME, cookieOptions);
    },
  };
}

export type FlowCookie = ReturnType<typeof createFlowCookie>;
