import type { Context, MiddlewareHandler } from 'hono';

export interface TrustedCorsOptions {
  /** The origins allowed for this request (the resource's `trusted_origins`). */
  origins(c: Context): readonly string[];
  methods: readonly string[];
  headers: readonly string[];
  maxAgeSeconds: number;
}

/**
 * CORS for origins that depend on the resource in the path. Unlike Hono's
 * `cors`, which writes to `c.res` before the handler and appends `Vary` after
 * it (each forcing a full Response rebuild, measured on the bind ceremony),
 * every header is set before the handler runs, so errors carry them too and
 * the response stays the cheap kind.
 */
export function trustedCors(options: TrustedCorsOptions): MiddlewareHandler {
  const methods = options.methods.join(',');
  const headers = options.headers.join(',');
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && options.origins(c).some((o) => o.replace(/\/$/, '') === origin);
    if (allowed) c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin');
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Max-Age', String(options.maxAgeSeconds));
      c.header('Access-Control-Allow-Methods', methods);
      c.header('Access-Control-Allow-Headers', headers);
      c.header('Vary', 'Access-Control-Request-Headers', { append: true });
      return c.body(null, 204);
    }
    await next();
  };
}
