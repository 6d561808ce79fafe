import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MiddlewareHandler } from 'hono';

/** A request's path as a client route: without trailing slashes. */
const routeOf = (path: string) => path.replace(/\/+$/, '');

/** Client routes whose first act is to start the Beyond Identity SDK. */
const SDK_ROUTES = new Set(['/bind', '/bi-authenticate', '/passkeys']);
/** The SDK's own file, emitted as an asset (src/passkeys/sdk-script.ts). */
const SDK_MODULE = 'node_modules/@beyondidentity/bi-sdk-js/dist/bi-embedded.js';

/**
 * The SPA's `index.html` for a client route. On the routes that need the SDK
 * it also preloads the SDK's file, so the browser downloads (and parses) its
 * 6 MB while the app shell boots instead of once the route's loader asks for
 * it. Measured with `npm run bench -- browser` (20 fresh contexts each): /bind
 * ready p50 1824 -> 1692 ms, when the SDK was still a bundled chunk. No
 * `crossorigin`: the SDK runs as a classic script (src/passkeys/sdk-script.ts),
 * and a preload is used only by a request of the same mode.
 * Undefined when the SPA is not built.
 */
export function createSpaHtml(distDir: string) {
  const indexFile = join(distDir, 'index.html');
  const manifestFile = join(distDir, '.vite', 'manifest.json');
  // Read per request: `npm run build` may replace dist/ under a running server.
  return (path: string): string | undefined => {
    if (!existsSync(indexFile)) return undefined;
    const html = readFileSync(indexFile, 'utf8');
    if (!SDK_ROUTES.has(routeOf(path)) || !existsSync(manifestFile)) return html;
    let chunk: string | undefined;
    try {
      chunk = (JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, { file?: string }>)[SDK_MODULE]?.file;
    } catch {
      // Half-written by a build running now: the page works without the preload.
      return html;
    }
    if (!chunk || !/^assets\/[\w.-]+\.js$/.test(chunk)) return html;
    return html.replace('</head>', `  <link rel="preload" as="script" href="/${chunk}">\n  </head>`);
  };
}

/**
 * Documents that start the SDK: its routes, and `/signup`, which goes on to `/bind` in the same
 * document (the binding link stays in memory).
 */
const SDK_DOCUMENTS = new Set([...SDK_ROUTES, '/signup']);

/**
 * `Document-Policy: js-profiling` on the HTML of the documents that start the SDK, so that V8
 * records source positions as it compiles the SDK instead of re-parsing its 6 MB for them
 * (src/passkeys/eager-source-positions.ts).
 *
 * Only there, because the policy has a price. Chromium prepares a profiler for a document that
 * may profile itself, and V8 then logs every function it compiles for the document's whole life.
 * In the browser bench (10 runs each, with and without the policy on every page) the signed-in
 * home page took 55 ms more to show after sign-in (164 -> 220 ms at p50), and a click on "Create
 * passkey" 15 ms more. A client-side navigation from another page to an SDK route starts the SDK
 * without it, as before. The policy lets only the page's own scripts profile themselves; no
 * profile leaves the page.
 */
export function allowSelfProfiling(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (SDK_DOCUMENTS.has(routeOf(c.req.path)) && (c.res.headers.get('content-type') ?? '').startsWith('text/html')) {
      c.res.headers.set('Document-Policy', 'js-profiling');
    }
  };
}
