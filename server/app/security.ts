import type { MiddlewareHandler } from 'hono';
import type { AppConfig } from './config';
import { AppError } from './errors';

/**
 * The Content-Security-Policy for the SPA's HTML. What the SDK forces:
 * - `script-src 'wasm-unsafe-eval'`: its core is WebAssembly, compiled in the page;
 * - `script-src 'unsafe-eval'` as well: the SDK's wasm-bindgen glue builds
 *   functions with `new Function(…)`. Observed with the real SDK 3.0.6 in
 *   Chromium: without it, `Embedded.initialize()` reports a `script-src eval`
 *   violation and never settles (no error, no passkey). `'self'` still keeps
 *   out every script that is not served by this app (no inline, no CDN);
 * - `connect-src` the Beyond Identity API and auth origins: `bindPasskey`
 *   fetches the binding link, `:getInfo` and `:bind` from the page, and
 *   authentication posts the proof. Origins come from the configuration
 *   (http://localhost:8787 for the local cloud), so the policy follows the
 *   cloud the backend talks to;
 * - `https://{allowed domain}:*`: authentication also fetches the request
 *   JWT's `jku` (and maybe `introspect_uri`), which the SDK only accepts over
 *   https on a host of `allowedDomains`, on any port (the local cloud serves
 *   them on its TLS port). The CSP allows exactly what the SDK would accept.
 * Everything else is locked to the app's own origin.
 */
export function contentSecurityPolicy(config: Pick<AppConfig, 'bi' | 'allowedDomains'>): string {
  const cloud = [...new Set([new URL(config.bi.apiBaseUrl).origin, new URL(config.bi.authBaseUrl).origin])].join(' ');
  const signingKeys = config.allowedDomains.map((domain) => `https://${domain}:*`).join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
    `connect-src 'self' ${cloud} ${signingKeys}`,
    // Beyond Identity themes carry logo URLs; data: for inline SVG icons.
    `img-src 'self' data: ${cloud}`,
    "style-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Headers on every response: no Referer (binding links and their tokens ride
 * in `/bind` URLs, and must not leak to other sites), no MIME sniffing, and
 * the CSP on HTML.
 */
export function securityHeaders(csp: string): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    if ((c.res.headers.get('content-type') ?? '').startsWith('text/html')) {
      c.res.headers.set('Content-Security-Policy', csp);
    }
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF guard for `/api/*`: a state-changing request must say
 * `Content-Type: application/json`. A cross-site HTML form can only send
 * urlencoded, multipart or text/plain bodies, and a cross-site `fetch` with a
 * JSON content type needs a CORS preflight this backend never grants. So
 * with the SameSite=Lax cookie, no other site can act as the person.
 */
export function requireJson(): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE_METHODS.has(c.req.method)) {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        throw new AppError(415, 'invalid_request', 'Send the request as JSON (Content-Type: application/json).');
      }
    }
    await next();
  };
}
