import type { Context, MiddlewareHandler } from 'hono';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { assetCacheControl } from '../../lib/asset-cache';

/**
 * The console page's Content-Security-Policy: everything from the cloud's own
 * origin, no plugins, no framing. Images may also come from elsewhere because
 * a theme's logos are URLs of the customer's choosing (the Theme page shows them).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "img-src 'self' data: http: https:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers on everything under `/console` and the assets: no Referer, no
 * MIME sniffing; the CSP and no framing on HTML (unless a handler set its own,
 * like the email preview); nothing from the API in any cache.
 */
export function consoleHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.set('Referrer-Policy', 'no-referrer');
    headers.set('X-Content-Type-Options', 'nosniff');
    if ((headers.get('content-type') ?? '').startsWith('text/html') && !headers.has('Content-Security-Policy')) {
      headers.set('Content-Security-Policy', CONSOLE_CSP);
      headers.set('X-Frame-Options', 'DENY');
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    }
    if (c.req.path.startsWith('/console/api/') && !headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  };
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bindery Admin Console: not built</title></head>
<body><main><h1>The Admin Console is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first), then reload this page.</p></main></body></html>`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** One plain file name: no directories, no dot files, so no path can leave the folder. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The console SPA from Vite's build output: `console.html` for `/console`
 * and every client-side route under it (the pages need no session: the SPA
 * shows its sign-in form, and the HTML holds nothing secret), the chunks
 * under `/assets/`, and the favicon.
 */
export function consolePages(distDir: string) {
  const html = join(distDir, 'console.html');

  async function sendFile(c: Context, file: string, cache: string): Promise<Response> {
    if (!existsSync(file) || !statSync(file).isFile()) return c.json({ code: 'not_found', message: 'not found' }, 404);
    return c.body(await readFile(file), 200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': cache,
    });
  }

  return {
    async page(c: Context): Promise<Response> {
      if (!existsSync(html)) return c.html(NOT_BUILT, 503);
      c.header('Cache-Control', 'no-cache');
      return c.html(await readFile(html, 'utf8'));
    },
    asset(c: Context): Promise<Response> | Response {
      const name = c.req.param('file') ?? '';
      if (!SAFE_NAME.test(name)) return c.json({ code: 'not_found', message: 'not found' }, 404);
      return sendFile(c, join(distDir, 'assets', name), assetCacheControl(name));
    },
    favicon: (c: Context) => sendFile(c, join(distDir, 'favicon.svg'), 'public, max-age=86400'),
  };
}
