import { ApiError } from '../../../lib/api-error';
import { PasskeyError, redactTokens, type MissingCapability } from '../../../passkeys/passkey-error';

/**
 * Every way /bi-authenticate can end without signing in; each has its own sentence and next step:
 * - `not_a_sign_in_request`: the URL is not a sign-in request, or its request cannot be read; Go home;
 * - `expired`: the request JWT is past its `exp`; Start again (`/auth/login`);
 * - `no_passkey`: no passkey of this app's realm on this browser (or the chosen one is gone);
 *   Email me a link, Create an account;
 * - `denied`: the cloud refused the passkey (revoked, identity suspended or deleted, request
 *   already used); email a link to bind a new passkey;
 * - `cloud_unreachable`: Beyond Identity did not answer; Retry;
 * - `unsupported_browser`: no IndexedDB or no WebCrypto;
 * - `sdk_failed`: the SDK failed otherwise (or did not start: `needsReload`); Retry, details;
 * - `server_error`: the app server did not give the sign-in settings; Retry.
 */
export type SignInFailure =
  | { kind: 'not_a_sign_in_request' }
  | { kind: 'expired' }
  | { kind: 'no_passkey' }
  | { kind: 'denied' }
  | { kind: 'cloud_unreachable' }
  | { kind: 'unsupported_browser'; missing: readonly MissingCapability[] }
  | { kind: 'sdk_failed'; detail: string | undefined; needsReload: boolean }
  | { kind: 'server_error'; message: string };

export type SignInFailureKind = SignInFailure['kind'];

/**
 * Names the cause of a failed sign-in step: reading the request (`getAuthenticationContext`),
 * reading this browser's passkeys, loading `/api/config`, or `authenticate` itself.
 *
 * Unlike /bind there is no backend to ask what happened (the request lives at the cloud), so the
 * SDK's own error names decide; `toPasskeyError` maps them (see there for the observed texts).
 */
export function classifySignInFailure(error: unknown): SignInFailure {
  if (error instanceof PasskeyError) {
    switch (error.code) {
      case 'unsupported_browser':
        return { kind: 'unsupported_browser', missing: error.missing };
      case 'not_an_authenticate_url':
        return { kind: 'not_a_sign_in_request' };
      case 'request_expired':
        return { kind: 'expired' };
      case 'passkey_not_found':
        return { kind: 'no_passkey' };
      case 'denied':
        return { kind: 'denied' };
      case 'network':
        return { kind: 'cloud_unreachable' };
      default:
        return { kind: 'sdk_failed', detail: error.detail ?? error.message, needsReload: error.needsReload };
    }
  }
  // The app server's own answers (`/api/config`): its sentence, not "Beyond Identity".
  if (error instanceof ApiError) return { kind: 'server_error', message: error.message };
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'sdk_failed', detail: redactTokens(detail), needsReload: false };
}
