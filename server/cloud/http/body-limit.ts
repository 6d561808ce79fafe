import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';

/**
 * Refuses bodies over `maxBytes` with 413. Hono's own `bodyLimit` touches
 * `c.req.raw.body` on every request, which makes @hono/node-server build a
 * full WHATWG Request (headers, AbortSignal, stream) per request. Together
 * with setting headers before the handler (request id, CORS), removing that
 * took the profiled bind ceremony from 327/s to 577/s
 * (`npm run bench:profile -- bind`). A declared
 * Content-Length is judged from the header alone; only a body without one
 * (chunked), whose size is unknown until read, goes through the streaming check.
 */
export function bodyLimit(maxBytes: number, onError: (c: Context) => Response): MiddlewareHandler {
  const streaming = streamingBodyLimit({ maxSize: maxBytes, onError });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streaming(c, next);
    return Number(length) > maxBytes ? onError(c) : next();
  };
}
