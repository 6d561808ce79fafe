/**
 * Why a passkey operation failed, as far as the browser can tell:
 * - `unsupported_browser`: no IndexedDB or no WebCrypto `crypto.subtle` (see `missing`);
 * - `sdk_load_failed`: the SDK's code did not download, or its WASM core did not start;
 * - `config_failed`: `GET /api/config` (the SDK's allowed domains) failed with a non-transient error;
 * - `app_server_unreachable`: `GET /api/config` got no usable answer (the app's own server down,
 *   offline, a 5xx): the SDK was not started and nothing was sent to Beyond Identity;
 * - `network`: a request of the SDK to Beyond Identity got no usable answer (offline, cloud down, a 5xx);
 * - `not_a_binding_link`: the SDK does not take the URL as a binding link;
 * - `not_an_authenticate_url`: the URL is not a sign-in request the SDK can read (not the
 *   `/bi-authenticate?request=` shape, or a request JWT that is malformed or badly signed);
 * - `request_expired`: the sign-in request JWT is past its `exp` (the SDK checks it);
 * - `passkey_not_found`: no passkey with that id on this browser (the SDK's `CredentialNotFound`);
 * - `denied`: the cloud refused the passkey's proof (`{"type":"deny"}`, the SDK's `PolicyDenied`):
 *   a revoked credential, a suspended or deleted identity, a sign-in request already used;
 * - `sdk_failed`: anything else the SDK threw (the cloud refused, a malformed answer, a bug).
 *
 * The SDK reports every failure as a plain `Error` whose text is its only detail
 * (bi-protocol.md, "Errors as the SDK reports them"). For binding, the code is therefore a hint;
 * the /bind page asks the backend's preview what became of the link before it names a cause.
 * For sign-in there is nobody else to ask, so the SDK's own error names (observed with SDK 3.0.6,
 * see `toPasskeyError`) decide.
 */
export type PasskeyErrorCode =
  | 'unsupported_browser'
  | 'sdk_load_failed'
  | 'config_failed'
  | 'app_server_unreachable'
  | 'network'
  | 'not_a_binding_link'
  | 'not_an_authenticate_url'
  | 'request_expired'
  | 'passkey_not_found'
  | 'denied'
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
 * Removes binding tokens (and sign-in request JWTs) from a text: the SDK quotes the link it was
 * given (`While invoking authenticator <url>…`), and the token must not end up on screen or in a
 * bug report.
 */
export function redactTokens(text: string): string {
  return text.replace(/([?&](?:token|request)=)[^&\s"'<>\\]+/gi, '$1…').replace(/(Bearer\s+)[\w.~+/=-]+/gi, '$1…');
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
 * How SDK 3.0.6 words sign-in failures (observed in Chromium against the local cloud; the core
 * is Rust and reports its error enums in their Debug form):
 * - unknown passkey id: `FlattenedError { error_type: CredentialNotFound, associated_data: None }`;
 * - the cloud answered `{"type":"deny"}` (revoked credential, suspended identity, a request
 *   already used): `FlattenedError { error_type: PolicyDenied, … }`;
 * - request JWT past `exp`: `HandleUrl(AuthNJwt(Verify("expired")))` from `authenticate`,
 *   `UrlType(JsonWebToken("Verify(\"expired\")"))` from `getAuthenticationContext`;
 * - request JWT malformed or badly signed: `…AuthNJwt(Decode(Encoding))`,
 *   `…Verify("failed to verify requests JWT: InvalidSignature")`;
 * - not a sign-in URL at all: `HandleUrl(UnknownUrl)`;
 * - no answer: `…Caused by: Failed to send a request.` (the proof) or `failed to fetch jwk for
 *   requests JWT: … Failed to fetch` (the signing keys), both caught by `NETWORK_TEXT`.
 * The account states the cloud may name instead of a bare deny count as denied too.
 */
const CREDENTIAL_NOT_FOUND = /\bCredentialNotFound\b|credential not found/i;
const DENIED = /\b(PolicyDenied|UserSuspended|UserDeleted|DeviceDeleted|ClientDenied|OperationForbidden)\b|policy denied/i;
const REQUEST_JWT = /\b(AuthNJwt|JsonWebToken)\b/;
const EXPIRED = /\bexpired\b|ExpiredSignature/i;
const UNKNOWN_URL = /\b(UnknownUrl|InvalidUrl)\b/;

/**
 * Maps anything the SDK (or loading it) threw to a `PasskeyError`.
 *
 * @param during what was being done, which decides the wording (and, for `authenticate`, which
 *   of the SDK's sign-in errors to look for).
 */
export function toPasskeyError(error: unknown, during: 'load' | 'bind' | 'list' | 'delete' | 'authenticate'): PasskeyError {
  if (error instanceof PasskeyError) return error;
  const text = error instanceof Error ? error.message : String(error);

  const status = STATUS_TEXT.exec(text)?.[1];
  const httpStatus = status === undefined ? undefined : Number(status);

  if (during === 'load') {
    return new PasskeyError('sdk_load_failed', 'The passkey software could not start in this browser.', {
      cause: error,
    });
  }
  if (during === 'authenticate') {
    const signInError = toSignInError(text, error);
    if (signInError) return signInError;
  }
  if (NETWORK_TEXT.test(text) || (httpStatus !== undefined && httpStatus >= 500)) {
    return new PasskeyError('network', 'Beyond Identity could not be reached.', {
      cause: error,
      ...(httpStatus === undefined ? {} : { httpStatus }),
    });
  }
  const sentence = {
    authenticate: 'Signing in with the passkey failed.',
    bind: 'The passkey could not be created.',
    list: 'The passkeys on this browser could not be read.',
    delete: 'The passkey could not be deleted.',
  }[during];
  return new PasskeyError('sdk_failed', sentence, { cause: error, ...(httpStatus === undefined ? {} : { httpStatus }) });
}

/** The sign-in failures the SDK names (see above), or `undefined` to map the error generically. */
function toSignInError(text: string, cause: unknown): PasskeyError | undefined {
  if (CREDENTIAL_NOT_FOUND.test(text)) {
    return new PasskeyError('passkey_not_found', 'That passkey is not on this browser.', { cause });
  }
  if (DENIED.test(text)) return new PasskeyError('denied', 'This passkey can no longer sign you in.', { cause });
  if (UNKNOWN_URL.test(text)) return new PasskeyError('not_an_authenticate_url', 'This is not a sign-in request.', { cause });
  if (REQUEST_JWT.test(text)) {
    if (EXPIRED.test(text)) return new PasskeyError('request_expired', 'This sign-in request has expired.', { cause });
    // The signing keys could not be fetched: a network failure, not a bad request.
    if (NETWORK_TEXT.test(text)) return undefined;
    return new PasskeyError('not_an_authenticate_url', 'This sign-in request cannot be read.', { cause });
  }
  return undefined;
}
