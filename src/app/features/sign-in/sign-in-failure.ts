import { ApiError } from '../../../lib/api-error';
import { PasskeyError, redactTokens, type MissingCapability } from '../../../passkeys/passkey-error';
import type { SentRequestState } from './sent-requests';

/**
 * Every way /bi-authenticate can end without signing in; each has its own sentence and next step:
 * - `not_a_sign_in_request`: the URL is not a sign-in request, or its request cannot be read; Go home;
 * - `expired`: the request JWT is past its `exp`; Start again (`/auth/login`);
 * - `no_passkey`: no passkey of this app's realm on this browser (or the chosen one is gone);
 *   Email me a link, Create an account;
 * - `denied`: the cloud refused the passkey (revoked, identity suspended or deleted, request
 *   already used); email a link to bind a new passkey;
 * - `request_used`: `authenticate` failed after the request may have reached the cloud, which
 *   takes each request once: sending it again can only be refused; Start again (`/auth/login`).
 *   `sentEarlier`: this browser already sent a proof for it (this page before a reload, or another tab);
 * - `cloud_unreachable`: Beyond Identity did not answer; Retry;
 * - `server_unreachable`: the app's own server did not answer (`GET /api/config`, which the SDK
 *   needs to start): nothing went to Beyond Identity; Retry;
 * - `unsupported_browser`: no IndexedDB or no WebCrypto;
 * - `sdk_failed`: the SDK failed otherwise while reading (or did not start: `needsReload`); Retry, details;
 * - `server_error`: the app server did not give the sign-in settings; Retry.
 */
export type SignInFailure =
  | { kind: 'not_a_sign_in_request' }
  | { kind: 'expired' }
  | { kind: 'no_passkey' }
  | { kind: 'denied' }
  | { kind: 'request_used'; detail: string | undefined; sentEarlier?: true }
  | { kind: 'cloud_unreachable' }
  | { kind: 'server_unreachable' }
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
      case 'app_server_unreachable':
        return { kind: 'server_unreachable' };
      default:
        return { kind: 'sdk_failed', detail: error.detail ?? error.message, needsReload: error.needsReload };
    }
  }
  // The app server's own answers (`/api/config`): its sentence, not "Beyond Identity"; no answer
  // at all names the app's server too.
  if (error instanceof ApiError) {
    return error.code === 'network' ? { kind: 'server_unreachable' } : { kind: 'server_error', message: error.message };
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'sdk_failed', detail: redactTokens(detail), needsReload: false };
}

/** What the page knows of the sign-in request and of earlier `authenticate` calls with it. */
export interface AuthenticateAttempts {
  /**
   * An earlier call on this page got no answer (a network failure): the request may still have
   * reached the cloud and been used there, the answer lost on the way back.
   */
  unansweredBefore: boolean;
  /**
   * What this browser remembered of the request when the page opened (see sent-requests.ts): a
   * proof was sent for it before, from this page or another tab (`sent`), or the cloud allowed one
   * (`allowed`, so it has used the request).
   */
  sentEarlier?: SentRequestState | undefined;
  /** The request JWT's `exp` has passed (by this browser's clock). */
  requestExpired?: boolean | undefined;
}

/**
 * Names the cause of a failed `authenticate`, and so whether the same request may be sent again.
 *
 * The cloud takes a sign-in request once: it marks the authorize transaction used when it allows
 * it, and refuses it (`{"type":"deny"}`, the SDK's `PolicyDenied`) ever after. So only a failure
 * from before the cloud answered keeps a Retry with the same request:
 * - the SDK did not start (`sdk_load_failed`, `config_failed`, the app server unreachable): no
 *   request went out;
 * - no answer at all (`network` without an HTTP status: "Failed to send a request.", or the
 *   request JWT's signing keys could not be fetched);
 * - the SDK's own checks before sending (expired request, unknown passkey, not a sign-in URL)
 *   keep their own next step.
 *
 * Anything else happened after the cloud answered, or cannot be told apart from it (a 5xx, "Failed
 * to decode a response", an unexpected redirect URL, an unknown error): `request_used`, whose
 * next step is a new request. So is a refusal after an unanswered attempt: the cloud may have
 * used the request for the lost answer, so "this passkey can no longer sign you in" would not
 * be known to be true (a new request tells).
 *
 * The cloud's refusal does not say why, so the page words it from what it knows, surest first:
 * - the request JWT is past its `exp`: the cloud's transaction has the same lifetime, so `expired`;
 * - an unanswered attempt on this page: `request_used`, as above;
 * - this browser sent a proof for this request before (a reloaded or restored
 *   `/bi-authenticate?request=…`, or the same request in another tab): `request_used` with
 *   `sentEarlier`, since the cloud refuses a used request exactly as it refuses a revoked passkey;
 * - otherwise the passkey was refused: `denied`.
 */
export function classifyAuthenticateFailure(error: unknown, attempts: AuthenticateAttempts): SignInFailure {
  const failure = classifySignInFailure(error);
  // The SDK's own text (tokens removed), for the "Technical details".
  const detail = failure.kind === 'sdk_failed' ? failure.detail : error instanceof PasskeyError ? error.detail : undefined;
  switch (failure.kind) {
    case 'denied':
      if (attempts.requestExpired) return { kind: 'expired' };
      if (attempts.unansweredBefore) return { kind: 'request_used', detail };
      if (attempts.sentEarlier) return { kind: 'request_used', detail, sentEarlier: true };
      return failure;
    case 'cloud_unreachable':
      // A status means the cloud did answer (a 5xx), maybe after it used the request.
      return error instanceof PasskeyError && error.httpStatus !== undefined ? { kind: 'request_used', detail } : failure;
    case 'sdk_failed':
      return isSdkStartError(error) ? failure : { kind: 'request_used', detail };
    default:
      return failure;
  }
}

/** The SDK did not start (see `getEmbedded`): `authenticate` failed before it sent anything. */
function isSdkStartError(error: unknown): boolean {
  return error instanceof PasskeyError && (error.code === 'sdk_load_failed' || error.code === 'config_failed');
}

/**
 * What a page opened on a sign-in request knows before anyone clicks: the request is used when
 * this tab's earlier proof for it was allowed (the cloud takes a request once), so sending it
 * again could only be refused. `undefined` when the request may still be usable.
 */
export function failureOfSentRequest(sentEarlier: SentRequestState | undefined): SignInFailure | undefined {
  return sentEarlier === 'allowed' ? { kind: 'request_used', detail: undefined, sentEarlier: true } : undefined;
}
