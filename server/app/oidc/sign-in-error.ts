import { AuthorizationResponseError } from 'openid-client';

/**
 * Why a sign-in did not end in a session, as the SPA reads it from
 * `/?sign_in_error=<code>`:
 * - `denied`: Beyond Identity said no (`error=access_denied` on the callback);
 * - `expired`: the sign-in started here is gone (no, a tampered, or a >10 minute old OIDC cookie),
 *   e.g. the callback was opened in another browser or much later; starting again helps;
 * - `failed`: anything else (a state mismatch, a refused or failed code exchange, an invalid
 *   ID token, Beyond Identity unreachable or misconfigured). The cause is in the log.
 */
export type SignInErrorCode = 'denied' | 'expired' | 'failed';

/** A sign-in failure whose code is known where it happens (e.g. the OIDC cookie is missing). */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  readonly code: SignInErrorCode;

  constructor(code: SignInErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

/**
 * The code for a failure of `/auth/login` or `/auth/callback`. openid-client
 * checks `state` before it looks at `error`, so an `error` response reaches
 * this as an `AuthorizationResponseError` only when its state was ours: a
 * forged `?error=access_denied` without the right state is `failed`, not
 * `denied`. Only `access_denied` is the person's (or a policy's) refusal;
 * other authorization errors (`invalid_request`, `server_error`, …) mean a
 * misconfiguration, so they are `failed`.
 */
export function signInErrorCode(error: unknown): SignInErrorCode {
  if (error instanceof SignInError) return error.code;
  if (error instanceof AuthorizationResponseError) return error.error === 'access_denied' ? 'denied' : 'failed';
  return 'failed';
}
