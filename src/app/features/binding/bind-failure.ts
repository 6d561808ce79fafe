import type { LinkState, PreviewResponse } from '../../../../contracts/app-api';
import { ApiError } from '../../../lib/api-error';
import { PasskeyError, redactTokens, type MissingCapability } from '../../../passkeys/passkey-error';

/**
 * Every way /bind can end without a passkey; each has its own sentence and next step:
 * - `not_a_binding_link`: the URL is not a (complete) binding link;
 * - `expired`, `used`, `revoked`: the link was fine once, and is not any more;
 * - `signed_out`: the RETURN flow needs a session (none, or it ended);
 * - `cloud_unreachable`: Beyond Identity did not answer (the SDK, or the app server on its behalf); Retry;
 * - `server_unreachable`: the app's own server did not answer (`/api/...` got no HTTP answer, or
 *   the SDK could not get `GET /api/config`); Retry;
 * - `sdk_failed`: the SDK failed for a reason the backend cannot explain; Retry, details;
 * - `unsupported_browser`: no IndexedDB or no WebCrypto;
 * - `server_error`: the app server failed (a bug or an unexpected answer); Retry.
 */
export type BindFailure =
  | { kind: 'not_a_binding_link' }
  | { kind: 'expired' }
  | { kind: 'used' }
  | { kind: 'revoked' }
  | { kind: 'signed_out' }
  | { kind: 'cloud_unreachable' }
  | { kind: 'server_unreachable' }
  | { kind: 'sdk_failed'; detail: string | undefined; needsReload: boolean }
  | { kind: 'unsupported_browser'; missing: readonly MissingCapability[] }
  | { kind: 'server_error'; message: string };

export type BindFailureKind = BindFailure['kind'];

/** The failure a link's state stands for, or `null` for a usable link. */
export function failureFromLinkState(state: LinkState): BindFailure | null {
  switch (state) {
    case 'usable':
      return null;
    case 'expired':
    case 'used':
    case 'revoked':
      return { kind: state };
    case 'invalid':
      return { kind: 'not_a_binding_link' };
  }
}

/**
 * The failure behind an error of the app backend while getting or previewing a link (no SDK
 * involved yet).
 */
export function failureFromApiError(error: unknown): BindFailure {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'unauthenticated':
        return { kind: 'signed_out' };
      // The preview rejects a malformed link (bad ids, unknown job) as invalid or not found.
      case 'invalid_request':
      case 'not_found':
        return { kind: 'not_a_binding_link' };
      // `network` is no HTTP answer from the app's own server; `cloud_unreachable` is that server
      // answering that Beyond Identity behind it did not. Naming the wrong one sends people to
      // check on the wrong service.
      case 'network':
        return { kind: 'server_unreachable' };
      case 'cloud_unreachable':
        return { kind: 'cloud_unreachable' };
      default:
        return { kind: 'server_error', message: error.message };
    }
  }
  return { kind: 'server_error', message: 'Something unexpected happened.' };
}

/** What the backend's preview said after a failed bind: its answer, or why it failed too. */
export type PreviewOutcome = { ok: true; preview: PreviewResponse } | { ok: false; error: unknown };

/**
 * Names the cause of a failed `bindPasskey`.
 *
 * The SDK's error is a plain `Error` whose text is not a stable interface (bi-protocol.md,
 * "Errors as the SDK reports them"), so the link's fate comes from the backend's preview taken
 * AFTER the failure: expired, used or revoked there is the cause, whatever the SDK said. Only
 * when the link is still usable does the SDK's hint (no answer, 5xx) decide between "cloud
 * unreachable" and "SDK failure". A preview that got no answer at all means the app's own server
 * is down (or the browser offline): the link's fate is unknown, and that server is what to name.
 */
export function classifyBindFailure(sdkError: unknown, after: PreviewOutcome): BindFailure {
  if (sdkError instanceof PasskeyError) {
    if (sdkError.code === 'unsupported_browser') return { kind: 'unsupported_browser', missing: sdkError.missing };
    if (sdkError.code === 'not_a_binding_link') return { kind: 'not_a_binding_link' };
  }

  if (after.ok) {
    const fromState = failureFromLinkState(after.preview.state);
    if (fromState) return fromState;
  } else if (after.error instanceof ApiError && after.error.code === 'unauthenticated') {
    // The session ended meanwhile; the SDK's failure is still the one to report.
  } else if (after.error instanceof ApiError && (after.error.code === 'network' || after.error.code === 'cloud_unreachable')) {
    return after.error.code === 'network' ? { kind: 'server_unreachable' } : { kind: 'cloud_unreachable' };
  }

  if (sdkError instanceof PasskeyError) {
    switch (sdkError.code) {
      case 'network':
        return { kind: 'cloud_unreachable' };
      // `GET /api/config` got no usable answer, so the SDK did not start and nothing went to
      // Beyond Identity: the app's own server is the one to name (as on the sign-in page).
      case 'app_server_unreachable':
        return { kind: 'server_unreachable' };
      case 'config_failed':
        return { kind: 'sdk_failed', detail: sdkError.detail, needsReload: false };
      default:
        return { kind: 'sdk_failed', detail: sdkError.detail ?? sdkError.message, needsReload: sdkError.needsReload };
    }
  }
  const detail = sdkError instanceof Error ? `${sdkError.name}: ${sdkError.message}` : String(sdkError);
  return { kind: 'sdk_failed', detail: redactTokens(detail), needsReload: false };
}
