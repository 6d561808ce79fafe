import type { Context } from 'hono';
import { CSRF_HEADER, type ConsoleErrorBody, type ConsoleErrorCode } from '../../../contracts/console-api';
import { ApiError, invalidParameters } from '../../lib/api-error';
import type { Logger } from '../../lib/logger';
import type { z } from 'zod';

type ConsoleStatus = 400 | 401 | 403 | 404 | 409 | 422 | 429 | 500 | 503;

/**
 * A refusal that only the console makes (`csrf`, `invalid_credentials`), in
 * the same `{code, message, details?}` body as the management API's
 * `ApiError`s, which console handlers let through unchanged.
 */
export class ConsoleError extends Error {
  constructor(
    readonly status: ConsoleStatus,
    readonly code: ConsoleErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export const noSession = () => new ConsoleError(401, 'unauthorized', 'sign in to the console');
export const badCsrf = () => new ConsoleError(403, 'csrf', `missing or wrong ${CSRF_HEADER}; reload the session`);

/** The console's error handler: its own errors and ApiErrors as JSON; anything else a logged, detail-free 500. */
export function consoleErrorHandler(log: Logger) {
  return (error: Error, c: Context): Response => {
    c.header('Cache-Control', 'no-store');
    if (error instanceof ConsoleError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json({ code: error.code, message: error.message } satisfies ConsoleErrorBody, error.status);
    }
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.toBody(), error.status);
    }
    const requestId = c.get('requestId') as string | undefined;
    log.error('console: unhandled error', { requestId, path: c.req.path, error });
    return c.json(
      { code: 'internal_server_error', message: 'internal server error', ...(requestId ? { request_id: requestId } : {}) } satisfies ConsoleErrorBody,
      500,
    );
  };
}

/** Parses a query string with `schema`, or throws a 400 naming each bad parameter. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    throw invalidParameters(parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(query)', description: issue.message })));
  }
  return parsed.data;
}
