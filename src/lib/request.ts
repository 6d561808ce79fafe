import { ApiError, isAppErrorCode, type ApiErrorCode } from './api-error';
import { isRecord, type Validator } from './validate';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. A POST without a body sends `{}` (the backend parses JSON bodies). */
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Calls a same-origin endpoint of the app backend and validates its JSON answer.
 * Without `validate` the body is ignored (for 204s and "ok" answers).
 *
 * @throws {ApiError} for network failures (`network`), error answers (the contract's `code`,
 *   else `http`) and bodies that do not match (`invalid-response`). An abort (from `signal`)
 *   is rethrown as is, so TanStack Query recognises its own cancellation.
 */
export function request<T>(url: string, options: RequestOptions & { validate: Validator<T> }): Promise<T>;
export function request(url: string, options?: RequestOptions): Promise<void>;
export async function request<T>(
  url: string,
  options: RequestOptions & { validate?: Validator<T> } = {},
): Promise<T | void> {
  const method = options.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'DELETE';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (hasBody) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: hasBody ? JSON.stringify(options.body ?? {}) : null,
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError('network', 'The server could not be reached.', { cause });
  }

  if (!response.ok) throw await apiErrorFromResponse(response);
  if (!options.validate) return;

  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new ApiError('invalid-response', 'The server answered with something other than JSON.', {
      status: response.status,
      cause,
    });
  }

  const parsed = options.validate.safeParse(body);
  if (!parsed.success) {
    throw new ApiError('invalid-response', 'The server answered in an unexpected format.', {
      status: response.status,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** The sentence shown for each backend code (the contract asks the SPA to word them itself). */
const messages: Record<Exclude<ApiErrorCode, 'network' | 'http' | 'invalid-response'>, string> = {
  invalid_request: 'Some of the details sent were not accepted.',
  unauthenticated: 'You are not signed in.',
  username_taken: 'That username is taken.',
  not_found: 'That could not be found.',
  rate_limited: 'Too many requests, try again later.',
  cloud_unreachable: 'Beyond Identity could not be reached. Try again in a moment.',
  cloud_error: 'Beyond Identity answered with an error.',
  internal_error: 'Something went wrong on our side.',
};

/**
 * Maps a non-2xx answer to an `ApiError`. Reads the contract's `{ error: { code, message,
 * request_id?, fields? } }` body; also accepts the same fields at the root (the Beyond Identity
 * style `{ code, message }`) so a stray handler does not turn into a vague "answered 404".
 * Without a known code, 401 and 429 still map by status; anything else is `http`.
 */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) ? (isRecord(body.error) ? body.error : body) : {};

  let code: ApiErrorCode;
  if (isAppErrorCode(error.code)) code = error.code;
  else if (response.status === 401) code = 'unauthenticated';
  else if (response.status === 429) code = 'rate_limited';
  else code = 'http';

  const statusText = response.statusText ? ` ${response.statusText}` : '';
  const serverMessage = typeof error.message === 'string' && error.message.trim() ? error.message.trim() : undefined;
  let message: string;
  if (code === 'http') message = `The server answered ${response.status}${statusText}.`;
  // A refused request is best explained by the backend's own sentence (e.g. "Your account has
  // no email address…"); other codes get the SPA's wording, and 5xx details never show.
  else if (code === 'invalid_request' && serverMessage && response.status < 500) message = serverMessage;
  else message = messages[code];

  const fields = isRecord(error.fields)
    ? Object.fromEntries(Object.entries(error.fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
    : undefined;

  return new ApiError(code, message, {
    status: response.status,
    fields,
    retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), error),
    requestId: typeof error.request_id === 'string' ? error.request_id : undefined,
    cause: serverMessage === undefined ? undefined : new Error(serverMessage),
  });
}

/**
 * Seconds to wait: the `Retry-After` header (seconds or an HTTP date, RFC 9110 §10.2.3), else a
 * numeric `retry_after` in the error body. The contract names neither, so both are read.
 */
export function parseRetryAfter(header: string | null, error: Record<string, unknown> = {}): number | undefined {
  if (header !== null && header.trim() !== '') {
    const value = header.trim();
    if (/^\d+$/.test(value)) return Number(value);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, Math.round((date - Date.now()) / 1000));
  }
  const fromBody = error.retry_after ?? error.retry_after_seconds;
  return typeof fromBody === 'number' && Number.isFinite(fromBody) && fromBody >= 0 ? fromBody : undefined;
}
