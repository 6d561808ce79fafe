import type { AppErrorCode } from '../../contracts/app-api';

/**
 * Why a call to the app backend failed:
 * - `network`: no HTTP answer at all (server down, offline, CORS, DNS);
 * - `http`: a non-2xx answer without a recognisable error body;
 * - `invalid-response`: a 2xx answer whose body is not the JSON we expect;
 * - any `AppErrorCode` of the contract (`username_taken`, `rate_limited`, `unauthenticated`, …):
 *   the backend named the reason in its `{ error: { code } }` body.
 */
export type ApiErrorCode = 'network' | 'http' | 'invalid-response' | AppErrorCode;

/**
 * The contract's error codes, repeated here as a plain list: importing `APP_ERROR_CODES` from
 * contracts/app-api.ts would pull zod (its schemas are built at module load) into the eager
 * app shell. The two checks below fail type-checking when the lists drift apart.
 */
const APP_ERROR_CODES = [
  'invalid_request',
  'unauthenticated',
  'username_taken',
  'not_found',
  'rate_limited',
  'cloud_unreachable',
  'cloud_error',
  'internal_error',
] as const satisfies readonly AppErrorCode[];
type MissingCodes = Exclude<AppErrorCode, (typeof APP_ERROR_CODES)[number]>;
const _everyContractCodeIsListed: [MissingCodes] extends [never] ? true : MissingCodes = true;

/** Whether `value` is one of the contract's error codes. */
export function isAppErrorCode(value: unknown): value is AppErrorCode {
  return typeof value === 'string' && (APP_ERROR_CODES as readonly string[]).includes(value);
}

export interface ApiErrorOptions {
  /** The HTTP status, when the server answered. */
  status?: number;
  cause?: unknown;
  /** Per-field messages from the backend (`error.fields`), keyed by request field name. */
  fields?: Record<string, string>;
  /** For `rate_limited`: how long to wait, from the `Retry-After` header. */
  retryAfterSeconds?: number;
  /** The backend's `request_id`, to quote when reporting a bug. */
  requestId?: string;
}

/** A failed call to the app backend. `message` is a full sentence fit to show to people. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly status: number | undefined;
  readonly fields: Readonly<Record<string, string>>;
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(code: ApiErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.fields = options.fields ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.requestId = options.requestId;
  }

  /**
   * Whether trying again may help: the server (or the cloud behind it) was unreachable, or the
   * server failed in a way that is not a known bug. A 4xx or a malformed body comes back the same.
   */
  get isTransient(): boolean {
    if (this.code === 'network' || this.code === 'cloud_unreachable') return true;
    return this.code === 'http' && (this.status ?? 0) >= 500;
  }
}

/** Whether `error` is an `ApiError` with one of `codes`. */
export function isApiError(error: unknown, ...codes: ApiErrorCode[]): error is ApiError {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code));
}

/**
 * "Too many requests, try again in N minutes." for a `rate_limited` error; a generic sentence
 * when the server did not say how long to wait.
 */
export function describeRateLimit(error: ApiError): string {
  const seconds = error.retryAfterSeconds;
  if (seconds === undefined) return 'Too many requests, try again later.';
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Too many requests, try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}
