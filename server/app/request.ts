import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from './errors';

/**
 * The client's IP address: the socket's peer. `X-Forwarded-For` is not
 * trusted, since any client can set it and dodge the per-IP limits; behind a
 * reverse proxy every client shares the proxy's address (a later issue may
 * add a trusted-proxy setting). In-process requests (`app.request()` in
 * tests) have no socket and count as one client, `unknown`.
 */
export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Reads a JSON body and validates it against a contract schema. An empty
 * body counts as `{}`, so body-less POSTs (logout, revoke) need none. The
 * JSON content type itself is checked for every state-changing request by
 * `requireJson` (the CSRF guard), before this runs.
 * @throws {AppError} 400 `invalid_request`, with `fields` naming each bad field.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new AppError(400, 'invalid_request', 'The request body is not valid JSON.', { cause });
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path.join('.') || '(body)';
      fields[field] ??= issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'This field is required.' : issue.message;
    }
    throw new AppError(400, 'invalid_request', 'Check the highlighted fields.', { fields });
  }
  return parsed.data;
}
