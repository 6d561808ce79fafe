import {
  CONSOLE_ERROR_CODES,
  CSRF_HEADER,
  consolePath,
  sessionResponse,
  type ConsoleErrorCode,
} from '../../../contracts/console-api';
import type { Validator } from '../../lib/validate';
import { ConsoleApiError, describeWait } from './console-error';
import { getCsrfToken, notifySessionLost, setCsrfToken } from './session-store';

export interface ConsoleRequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Sent as JSON. A POST or PATCH without a body sends `{}`. */
  body?: unknown;
  signal?: AbortSignal | undefined;
  /**
   * What a 401 `unauthorized` means for this call. `session-lost` (the default): the session ended,
   * so the console goes back to the sign-in page. `ignore`: the caller handles it (reading the
   * session to learn whether anyone is signed in; signing in, whose 401 is `invalid_credentials`).
   */
  unauthorized?: 'session-lost' | 'ignore';
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Calls the console API (same origin, the session cookie goes along) and validates the JSON answer.
 * Without `validate` the body is ignored (204s).
 *
 * Every request that is not GET carries the session's CSRF token in `X-CSRF-Token` (the contract
 * refuses it with 403 `csrf` otherwise). A 403 `csrf` is retried once after re-reading the session:
 * signing in again in another tab replaces the cookie, and with it the token; the cloud refused the
 * first attempt before doing anything, so sending it again cannot do it twice.
 *
 * @throws {ConsoleApiError} `network`, the contract's code (`unauthorized`, `csrf`, `too_many_requests`
 *   with `retryAfterSeconds`, `bad_request` with `fields`…), `http` or `invalid-response`. An abort
 *   (from `signal`) is rethrown as is, so TanStack Query recognises its own cancellation.
 */
export function consoleRequest<T>(url: string, options: ConsoleRequestOptions & { validate: Validator<T> }): Promise<T>;
export function consoleRequest(url: string, options?: ConsoleRequestOptions): Promise<void>;
export async function consoleRequest<T>(
  url: string,
  options: ConsoleRequestOptions & { validate?: Validator<T> } = {},
): Promise<T | void> {
  let response = await send(url, options);
  if (response.status === 403 && !SAFE_METHODS.has(options.method ?? 'GET')) {
    const error = await consoleErrorFromResponse(response.clone());
    if (error.code === 'csrf' && (await refreshCsrfToken(options.signal))) response = await send(url, options);
  }

  if (!response.ok) {
    const error = await consoleErrorFromResponse(response);
    if (error.code === 'unauthorized' && (options.unauthorized ?? 'session-lost') === 'session-lost') notifySessionLost();
    throw error;
  }
  if (!options.validate) return;

  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new ConsoleApiError('invalid-response', 'The cloud answered with something other than JSON.', { status: response.status, cause });
  }
  const parsed = options.validate.safeParse(body);
  if (!parsed.success) {
    throw new ConsoleApiError('invalid-response', 'The cloud answered in an unexpected format.', {
      status: response.status,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

async function send(url: string, options: ConsoleRequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const hasBody = method === 'POST' || method === 'PATCH';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (hasBody) headers['content-type'] = 'application/json';
  const token = getCsrfToken();
  if (!SAFE_METHODS.has(method) && token) headers[CSRF_HEADER] = token;
  try {
    return await fetch(url, {
      method,
      headers,
      body: hasBody ? JSON.stringify(options.body ?? {}) : null,
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ConsoleApiError('network', 'The cloud could not be reached. Check that it is running, then try again.', { cause });
  }
}

/** Re-reads the session for its CSRF token; false when there is none (signed out: the retry would 401 anyway). */
async function refreshCsrfToken(signal: AbortSignal | undefined): Promise<boolean> {
  const response = await fetch(consolePath('getSession'), {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    signal: signal ?? null,
  }).catch(() => undefined);
  if (!response?.ok) return false;
  const parsed = sessionResponse.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) return false;
  setCsrfToken(parsed.data.csrf_token);
  return true;
}

function isConsoleErrorCode(value: unknown): value is ConsoleErrorCode {
  return typeof value === 'string' && (CONSOLE_ERROR_CODES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "username already exists" -> "Username already exists." */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * Maps a non-2xx answer to a `ConsoleApiError`, reading the contract's `{code, message, details?,
 * request_id?}` body. 4xx messages are the cloud's own sentences (they name the problem: "the
 * identity has no email address"); the session, CSRF, rate-limit and 5xx cases get the console's
 * wording, and 5xx details never show. Without a known code, 401 and 429 still map by status.
 */
export async function consoleErrorFromResponse(response: Response): Promise<ConsoleApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) ? body : {};
  let code: ConsoleApiError['code'];
  if (isConsoleErrorCode(error.code)) code = error.code;
  else if (response.status === 401) code = 'unauthorized';
  else if (response.status === 429) code = 'too_many_requests';
  else code = 'http';

  const serverMessage = typeof error.message === 'string' && error.message.trim() ? error.message.trim() : undefined;
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'));
  const fields: Record<string, string> = {};
  if (Array.isArray(error.details)) {
    for (const detail of error.details) {
      if (!isRecord(detail) || detail.type !== 'FieldViolations' || !Array.isArray(detail.field_violations)) continue;
      for (const violation of detail.field_violations) {
        if (isRecord(violation) && typeof violation.field === 'string' && typeof violation.description === 'string') {
          fields[violation.field] ??= violation.description;
        }
      }
    }
  }

  let message: string;
  switch (code) {
    case 'unauthorized':
      message = 'Your console session has ended. Sign in again.';
      break;
    case 'invalid_credentials':
      message = 'The username or password is wrong.';
      break;
    case 'csrf':
      message = 'The console’s security token is out of date. Reload the page and try again.';
      break;
    case 'too_many_requests':
      message = `Too many attempts: ${describeWait(retryAfterSeconds)}.`;
      break;
    case 'internal_server_error':
    case 'service_unavailable':
    case 'http':
      message =
        response.status >= 500
          ? `The cloud failed to answer (${response.status}). Try again in a moment.`
          : serverMessage && code !== 'http'
            ? sentence(serverMessage)
            : `The cloud answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
      break;
    case 'bad_request':
      message = Object.keys(fields).length > 0 ? 'Some fields were not accepted; see the messages next to them.' : sentence(serverMessage ?? 'The request was not accepted');
      break;
    default:
      message = sentence(serverMessage ?? `The cloud answered ${response.status}`);
  }

  return new ConsoleApiError(code, message, {
    status: response.status,
    fields,
    retryAfterSeconds,
    requestId: typeof error.request_id === 'string' ? error.request_id : undefined,
    cause: serverMessage === undefined ? undefined : new Error(serverMessage),
  });
}

/** `Retry-After` in seconds (RFC 9110 §10.2.3: seconds or an HTTP date). */
export function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.round((date - Date.now()) / 1000));
}
