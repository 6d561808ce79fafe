/**
 * Why a call to the app backend failed:
 * - `network`: no HTTP answer at all (server down, offline, CORS, DNS);
 * - `http`: an answer with a non-2xx status;
 * - `invalid-response`: a 2xx answer whose body is not the JSON we expect.
 */
export type ApiErrorCode = 'network' | 'http' | 'invalid-response';

/** A failed call to the app backend. `message` is a full sentence fit to show to people. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;

  constructor(code: ApiErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }

  /**
   * Whether trying again may help: the server was unreachable or failed (5xx). A 4xx or a
   * malformed body will come back the same way.
   */
  get isTransient(): boolean {
    return this.code === 'network' || (this.code === 'http' && (this.status ?? 0) >= 500);
  }
}
