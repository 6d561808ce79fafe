import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppErrorBody, AppErrorCode } from '../../contracts/app-api';
import { BiError } from './bi/errors';

/** A refusal the app backend answers with `appErrorBody`. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: ContentfulStatusCode;
  readonly code: AppErrorCode;
  readonly fields: Record<string, string> | undefined;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: AppErrorCode,
    message: string,
    options: { fields?: Record<string, string>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }

  /** The body; `requestId` is added for failures worth reporting (5xx/502). */
  toBody(requestId?: string): AppErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(requestId ? { request_id: requestId } : {}),
        ...(this.fields ? { fields: this.fields } : {}),
      },
    };
  }
}

export const unauthenticated = () => new AppError(401, 'unauthenticated', 'Sign in first.');
export const notFound = (message = 'Not found.') => new AppError(404, 'not_found', message);

/**
 * Turns a Beyond Identity failure into what the browser may see. Only the
 * code and a fixed sentence cross over: the upstream body stays in the log
 * (see `BiError.upstream`). Routes handle the codes they can explain
 * (e.g. `not_found` on a revoke) before this fallback.
 */
export function fromBiError(error: BiError): AppError {
  switch (error.code) {
    case 'username_taken':
      return new AppError(409, 'username_taken', 'That username is taken. Choose another one.', {
        fields: { username: 'That username is taken.' },
        cause: error,
      });
    case 'not_found':
      return new AppError(404, 'not_found', 'Not found.', { cause: error });
    case 'unreachable':
      return new AppError(502, 'cloud_unreachable', 'Beyond Identity did not answer. Try again in a moment.', { cause: error });
    default:
      // 400/401/403/409/410/422/5xx here mean a misconfiguration or a bug, not something the person did.
      // (A lookup whose id the cloud refuses as malformed is already `not_found`: see `lookup` in bi/http.ts.)
      return new AppError(502, 'cloud_error', 'Beyond Identity could not do that right now. Try again later.', { cause: error });
  }
}

/** `error` as an AppError, or undefined for an unexpected failure (a bug: answered 500). */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof BiError) return fromBiError(error);
  return undefined;
}
