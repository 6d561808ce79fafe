import type { LinkState, PreviewResponse } from '../../../../contracts/app-api';
import { ApiError } from '../../../lib/api-error';
import { PasskeyError, redactTokens, type MissingCapability } from '../../../passkeys/passkey-error';

/**
 * Every way /bind can end without a passkey; each has its own sentence and next step:
 * - `not_a_binding_link`: the URL is not a (complete) binding link;
 * - `expired`, `used`, `revoked`: the link was fine once, and is not any more;
 * - `signed_out`: the RETURN flow needs a session (none, or it ended);
 * - `cloud_unreachable`: Beyond Identity (or the app server) did not answer; Retry;
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
      case 'network':
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
 * unreachable" and "SDK failure".
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
    return { kind: 'cloud_unreachable' };
  }

  // `app_server_unreachable` reads as before on /bind; the preview above, from the same server,
  // has usually named it already.
  if (sdkError instanceof PasskeyError && (sdkError.code === 'network' || sdkError.code === 'app_server_unreachable' || sdkError.code === 'config_failed')) {
    return sdkError.code !== 'config_failed'
      ? { kind: 'cloud_unreachable' }
      : { kind: 'sdk_failed', detail: sdkError.detail, needsReload: false };
  }
  if (sdkError instanceof PasskeyError) {
    return { kind: 'sdk_failed', detail: sdkError.detail ?? sdkError.message, needsReload: sdkError.needsReload };
  }
  const detail = sdkError instanceof Error ? `${sdkError.name}: ${sdkError.message}` : String(sdkError);
  return { kind: 'sdk_failed', detail: redactTokens(detail), needsReload: false };
}
