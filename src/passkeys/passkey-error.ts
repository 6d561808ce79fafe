/**
 * Why a passkey operation failed, as far as the browser can tell:
 * - `unsupported_browser`: no IndexedDB or no WebCrypto `crypto.subtle` (see `missing`);
 * - `sdk_load_failed`: the SDK's code did not download, or its WASM core did not start;
 * - `config_failed`: `GET /api/config` (the SDK's allowed domains) failed with a non-transient error;
 * - `network`: a request got no usable answer (offline, cloud down, a 5xx);
 * - `not_a_binding_link`: the SDK does not take the URL as a binding link;
 * - `sdk_failed`: anything else the SDK threw (the cloud refused, a malformed answer, a bug).
 *
 * The SDK reports every failure as a plain `Error` whose text is its only detail
 * (bi-protocol.md, "Errors as the SDK reports them"). The code here is therefore a hint; the
 * /bind page asks the backend's preview what became of the link before it names a cause.
 */
export type PasskeyErrorCode =
  | 'unsupported_browser'
  | 'sdk_load_failed'
  | 'config_failed'
  | 'network'
  | 'not_a_binding_link'
  | 'sdk_failed';

/** A capability the SDK needs that this browser lacks. */
export type MissingCapability = 'indexeddb' | 'webcrypto';

export interface PasskeyErrorOptions {
  cause?: unknown;
  missing?: MissingCapability[];
  /** The HTTP status quoted in the SDK's message, if any (a hint, see above). */
  httpStatus?: number;
}

/** A failed passkey operation. `message` is a sentence fit to show; `detail` is the SDK's own text. */
export class PasskeyError extends Error {
  override readonly name = 'PasskeyError';
  readonly code: PasskeyErrorCode;
  readonly missing: readonly MissingCapability[];
  readonly httpStatus: number | undefined;
  /** The underlying error's text with tokens removed; for a collapsed "details" section. */
  readonly detail: string | undefined;

  constructor(code: PasskeyErrorCode, message: string, options: PasskeyErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.missing = options.missing ?? [];
    this.httpStatus = options.httpStatus;
    this.detail = describeCause(options.cause);
  }

  /**
   * Whether only a page reload can help. The WASM core must be initialised once per page
   * (a second `initialize()` corrupts it), so a failed start is not retried in place.
   */
  get needsReload(): boolean {
    return this.code === 'sdk_load_failed';
  }
}

/**
 * Removes binding tokens from a text: the SDK quotes the link it was given
 * (`While invoking authenticator <url>…`), and the token must not end up on screen or in a bug report.
 */
export function redactTokens(text: string): string {
  return text.replace(/([?&]token=)[^&\s"'<>]+/gi, '$1…').replace(/(Bearer\s+)[\w.~+/=-]+/gi, '$1…');
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return redactTokens(text);
}

/**
 * What a request without an answer looks like: the SDK 3.0.6 core says "Failed to send a
 * request." (observed in Chromium with the cloud refusing connections); a plain `fetch` says
 * "Failed to fetch" (Chromium), "NetworkError when attempting to fetch resource." (Firefox) or
 * "Load failed" (Safari).
 */
const NETWORK_TEXT = /failed to send a request|failed to fetch|networkerror|network error|load failed|error sending request|connection refused/i;
/** How the SDK quotes a non-2xx answer: "The server responded with a 404 error: …". */
const STATUS_TEXT = /responded with an? (\d{3})\b/i;

/**
 * Maps anything the SDK (or loading it) threw to a `PasskeyError`.
 *
 * @param during what was being done, which decides the wording.
 */
export function toPasskeyError(error: unknown, during: 'load' | 'bind' | 'list' | 'delete'): PasskeyError {
  if (error instanceof PasskeyError) return error;
  const text = error instanceof Error ? error.message : String(error);

  const status = STATUS_TEXT.exec(text)?.[1];
  const httpStatus = status === undefined ? undefined : Number(status);

  if (during === 'load') {
    return new PasskeyError('sdk_load_failed', 'The passkey software could not start in this browser.', {
      cause: error,
    });
  }
  if (NETWORK_TEXT.test(text) || (httpStatus !== undefined && httpStatus >= 500)) {
    return new PasskeyError('network', 'Beyond Identity could not be reached.', {
      cause: error,
      ...(httpStatus === undefined ? {} : { httpStatus }),
    });
  }
  const sentence = {
    bind: 'The passkey could not be created.',
    list: 'The passkeys on this browser could not be read.',
    delete: 'The passkey could not be deleted.',
  }[during];
  return new PasskeyError('sdk_failed', sentence, { cause: error, ...(httpStatus === undefined ? {} : { httpStatus }) });
}
