import type { Context } from 'hono';
import * as oidc from 'openid-client';
import type { MeResponse } from '../../../contracts/app-api';
import { BiError } from '../bi/errors';
import type { AppDeps, AppHono } from '../deps';
import { safeReturnTo } from '../oidc/return-to';
import { SignInError, signInErrorCode } from '../oidc/sign-in-error';

/**
 * Sign-in with a passkey: the backend is an OIDC client (authorization code
 * with PKCE, state and nonce; openid-client does every check) of the
 * Beyond Identity application. These are pages reached by full-page
 * navigation, so every outcome is a redirect, never an error page:
 * success goes to `return_to`, a failure to `/?sign_in_error=<code>`
 * (see sign-in-error.ts) with its cause in the log under the request id.
 *
 * - `GET /auth/login[?return_to=/path]`: starts it (302 to the authorize URL);
 * - `GET /auth/callback`: finishes it (code exchange, session);
 * - `POST /auth/logout`: ends the session (303 to `/`).
 */
export function mountAuth(app: AppHono, deps: AppDeps): void {
  app.get('/auth/login', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      if (!deps.oidc) throw new SignInError('failed', 'sign-in is not configured: set BI_APP_CLIENT_ID and BI_APP_CLIENT_SECRET');
      const returnTo = safeReturnTo(c.req.query('return_to'), deps.config.publicUrl);
      const configuration = await deps.oidc.configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const authorizationUrl = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: deps.oidc.redirectUri,
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      await deps.flows.start(c, { verifier, state, nonce, returnTo });
      return c.redirect(authorizationUrl.href, 302);
    } catch (error) {
      return signInFailed(c, deps, 'login', error);
    }
  });

  app.get('/auth/callback', async (c) => {
    c.header('Cache-Control', 'no-store');
    const flow = await deps.flows.read(c);
    // Single use, whatever the outcome: a replayed callback finds no flow.
    deps.flows.clear(c);
    try {
      if (!deps.oidc) throw new SignInError('failed', 'sign-in is not configured: set BI_APP_CLIENT_ID and BI_APP_CLIENT_SECRET');
      if (!flow) throw new SignInError('expired', 'no sign-in in progress: the OIDC cookie is missing, tampered with or older than 10 minutes');
      const configuration = await deps.oidc.configuration();
      // The app may sit behind a proxy, so the URL the browser used is
      // rebuilt from APP_PUBLIC_URL (never from Host or X-Forwarded-*).
      // openid-client sends it, without its query, as the token request's
      // `redirect_uri`, which must equal the one sent to authorize.
      const currentUrl = new URL(`${deps.config.publicUrl}${c.req.path}${new URL(c.req.url).search}`);
      const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const me = await personOf(c, deps, configuration, tokens);
      await deps.sessions.start(c, me);
      deps.log.info('signed in', { requestId: c.get('requestId'), identity_id: me.identity_id });
      return c.redirect(flow.returnTo, 302);
    } catch (error) {
      return signInFailed(c, deps, 'callback', error);
    }
  });

  /**
   * A form post from the app's own pages. SameSite=Lax keeps the session
   * cookie off cross-site POSTs, but a cross-site form could still make the
   * browser apply this response's cookie deletion; the Origin check stops
   * that (browsers send Origin on every POST; clients without one are not browsers).
   */
  app.post('/auth/logout', (c) => {
    c.header('Cache-Control', 'no-store');
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(deps.config.publicUrl).origin) {
      return c.text('Sign-out must come from this site.', 403);
    }
    deps.sessions.clear(c);
    return c.redirect('/', 303);
  });
}

/**
 * The signed-in person from the ID token: `sub` is the identity id (the
 * application's subject field must be `id`, Beyond Identity's default).
 * A missing `preferred_username`, `name` or `email` is asked of userinfo,
 * then of the management API (GetIdentity). Username and name are required;
 * an identity may have no email address.
 */
async function personOf(
  c: Context,
  deps: AppDeps,
  configuration: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
): Promise<MeResponse> {
  const claims = tokens.claims();
  if (!claims) throw new SignInError('failed', 'the token response carries no ID token');
  const sub = claims.sub;
  let username = text(claims.preferred_username);
  let name = text(claims.name);
  let email = text(claims.email);

  if (username === undefined || name === undefined || email === undefined) {
    try {
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, sub);
      username ??= text(info.preferred_username);
      name ??= text(info.name);
      email ??= text(info.email);
    } catch (error) {
      deps.log.info('userinfo failed; asking the management API', { requestId: c.get('requestId'), reason: describe(error) });
    }
  }
  if (username === undefined || name === undefined || email === undefined) {
    try {
      const identity = await deps.bi.identities.get(sub);
      username ??= identity.traits.username;
      name ??= identity.display_name;
      email ??= text(identity.traits.primary_email_address);
    } catch (error) {
      if (username === undefined || name === undefined) {
        throw new SignInError('failed', 'the ID token lacks preferred_username or name, and GetIdentity failed', { cause: error });
      }
    }
  }
  if (username === undefined || name === undefined) throw new SignInError('failed', 'no username or name for the signed-in identity');
  return { identity_id: sub, username, display_name: name, ...(email ? { email } : {}) };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Redirects to `/?sign_in_error=<code>` and logs why, under the request id. */
function signInFailed(c: Context, deps: AppDeps, step: 'login' | 'callback', error: unknown): Response {
  const code = signInErrorCode(error);
  deps.log.warn('sign-in failed', { requestId: c.get('requestId'), step, code, reason: describe(error) });
  return c.redirect(`/?sign_in_error=${code}`, 302);
}

/**
 * What the log keeps of a failure: names, messages and OAuth error codes.
 * Never whole `cause` objects: openid-client's may hold the callback's
 * parameters (the authorization code) or the token response.
 */
function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  const e = error as Error & { code?: unknown; error?: unknown; error_description?: unknown; status?: unknown };
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.error === 'string') out.oauth_error = e.error;
  if (typeof e.error_description === 'string') out.oauth_error_description = e.error_description;
  if (typeof e.status === 'number') out.status = e.status;
  if (error instanceof BiError) out.upstream = error.upstream;
  if (error.cause instanceof Error) out.cause = describe(error.cause);
  return out;
}
