import type { ConsoleErrorCode } from '../../../contracts/console-api';

/**
 * Why a console API call failed:
 * - `network`: no HTTP answer at all (the cloud is down, the connection dropped);
 * - `http`: a non-2xx answer without the contract's `{code, message}` body;
 * - `invalid-response`: a 2xx answer whose body does not match the contract;
 * - any `ConsoleErrorCode` (`unauthorized`, `csrf`, `too_many_requests`, …): the cloud named it.
 */
export type ConsoleApiErrorCode = 'network' | 'http' | 'invalid-response' | ConsoleErrorCode;

export interface ConsoleApiErrorOptions {
  status?: number | undefined;
  cause?: unknown;
  /** `{field: description}` from a 400's FieldViolations (the contract's field paths, e.g. `application.display_name`). */
  fields?: Record<string, string> | undefined;
  /** 429: the `Retry-After` header, in seconds. */
  retryAfterSeconds?: number | undefined;
  /** 500: the id under which the cloud logged the failure. */
  requestId?: string | undefined;
}

/** A failed console API call. `message` is a sentence fit to show to the admin. */
export class ConsoleApiError extends Error {
  override readonly name = 'ConsoleApiError';
  readonly code: ConsoleApiErrorCode;
  readonly status: number | undefined;
  readonly fields: Readonly<Record<string, string>>;
  readonly retryAfterSeconds: number | undefined;
  readonly requestId: string | undefined;

  constructor(code: ConsoleApiErrorCode, message: string, options: ConsoleApiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.fields = options.fields ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.requestId = options.requestId;
  }

  /** Whether trying the same call again may help (no answer, or a 5xx); a 4xx comes back the same. */
  get isTransient(): boolean {
    if (this.code === 'network' || this.code === 'service_unavailable') return true;
    return (this.code === 'http' || this.code === 'internal_server_error') && (this.status ?? 0) >= 500;
  }
}

/** Whether `error` is a `ConsoleApiError` with one of `codes` (any code when none are given). */
export function isConsoleApiError(error: unknown, ...codes: ConsoleApiErrorCode[]): error is ConsoleApiError {
  return error instanceof ConsoleApiError && (codes.length === 0 || codes.includes(error.code));
}

/** "try again in 3 minutes" for a wait in seconds (at least one minute: the limits are minutes long). */
export function describeWait(seconds: number | undefined): string {
  if (seconds === undefined) return 'try again later';
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/**
 * The message to show for an error of any kind (a `ConsoleApiError` is already worded; anything
 * else is a bug, shown plainly rather than hidden).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
