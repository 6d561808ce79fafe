import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppErrorBody } from '../../contracts/app-api';
import type { Health } from '../../contracts/health';
import { assetCacheControl } from '../lib/asset-cache';
import { newId } from '../lib/ids';
import type { Logger } from '../lib/logger';
import { createBackgroundTasks, type BackgroundTasks } from './background';
import { createBiClient } from './bi/client';
import type { AppConfig } from './config';
import { logCloudFailure, type AppDeps, type AppEnv } from './deps';
import { AppError, toAppError } from './errors';
import { createOidcClient } from './oidc/client';
import { createFlowCookie } from './oidc/flow-cookie';
import { createRateLimiter, type RateLimitOptions } from './rate-limit';
import { allowSelfProfiling, createSpaHtml } from './spa';
import { mountAuth } from './routes/auth';
import { mountBindingLink } from './routes/binding-link';
import { mountConfig } from './routes/config';
import { mountCredentials } from './routes/credentials';
import { mountEmailLink } from './routes/email-link';
import { mountPreview } from './routes/preview';
import { mountSession } from './routes/session';
import { mountSignup } from './routes/signup';
import { contentSecurityPolicy, requireJson, securityHeaders } from './security';
import { createSessions } from './session';

type LimitRule = Pick<RateLimitOptions, 'limit' | 'windowMs'>;

/** The rate limits (per instance; see rate-limit.ts). */
export const DEFAULT_RATE_LIMITS = {
  /** Each hit may send a real email: 5 per 10 minutes per username or signed-in identity. */
  emailLinkPerIdentifier: { limit: 5, windowMs: 10 * 60_000 },
  /** Across identifiers, so one client cannot mail everyone: 20 per 10 minutes per IP. */
  emailLinkPerIp: { limit: 20, windowMs: 10 * 60_000 },
  /** Generous (the /bind page previews on load and on retry), but no token guessing at speed. */
  previewPerIp: { limit: 60, windowMs: 60_000 },
  /**
   * Each sign-up creates an identity in the tenant (and takes its username for good): room for
   * a household or an office behind one address, not for a script filling the tenant.
   */
  signupPerIp: { limit: 20, windowMs: 10 * 60_000 },
} satisfies Record<string, LimitRule>;

export interface BuildAppOptions {
  config: AppConfig;
  log: Logger;
  /** Folder of the built SPA (`vite build` output). */
  distDir: string;
  /** Seams for tests: the `fetch` that reaches Beyond Identity, the clock, the background queue, the limits. */
  fetch?: typeof fetch;
  clock?: () => Date;
  background?: BackgroundTasks;
  rateLimits?: Partial<Record<keyof typeof DEFAULT_RATE_LIMITS, LimitRule>>;
}

/** Largest JSON body `/api` accepts; the biggest legitimate one (a preview) is well under 2 KB. */
export const MAX_API_BODY_BYTES = 16 * 1024;

/**
 * The app backend ("your server" in Beyond Identity's diagrams): its JSON API
 * under `/api` (contracts/app-api.ts), sign-in with a passkey under `/auth`
 * (an OIDC client of the Beyond Identity application), and the built SPA for every other GET
 * (client-side routes fall back to index.html). It holds the Management API
 * credentials and talks to Beyond Identity only over HTTP; the browser never
 * sees those credentials nor any upstream error body.
 */
export function buildApp(options: BuildAppOptions) {
  const { config, log } = options;
  const clock = options.clock ?? (() => new Date());
  const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const deps: AppDeps = {
    config,
    log,
    bi: createBiClient(config.bi, { ...(options.fetch ? { fetch: options.fetch } : {}), clock }),
    sessions: createSessions({ secret: config.sessionSecret, publicUrl: config.publicUrl, clock }),
    oidc: config.bi.signIn
      ? createOidcClient({ bi: config.bi, client: config.bi.signIn, publicUrl: config.publicUrl, ...(options.fetch ? { fetch: options.fetch } : {}) })
      : undefined,
    flows: createFlowCookie({ secret: config.sessionSecret, publicUrl: config.publicUrl, clock }),
    limits: {
      emailLinkPerIdentifier: createRateLimiter({ ...limits.emailLinkPerIdentifier, clock }),
      emailLinkPerIp: createRateLimiter({ ...limits.emailLinkPerIp, clock }),
      previewPerIp: createRateLimiter({ ...limits.previewPerIp, clock }),
      signupPerIp: createRateLimiter({ ...limits.signupPerIp, clock }),
    },
    background: options.background ?? createBackgroundTasks(log),
  };

  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('requestId', newId());
    await next();
    c.res.headers.set('X-Request-Id', c.get('requestId'));
  });
  app.use(securityHeaders(contentSecurityPolicy(config)));
  app.use(allowSelfProfiling());

  app.use('/api/*', async (c, next) => {
    await next();
    // Answers are per person and carry binding links; no cache may keep them.
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_API_BODY_BYTES,
      onError: () => {
        throw new AppError(413, 'invalid_request', 'The request body is too large.');
      },
    }),
  );
  app.use('/api/*', requireJson());

  app.get('/api/health', (c) => c.json({ ok: true, cloud: { api_base_url: config.bi.apiBaseUrl } } satisfies Health));
  mountConfig(app, deps);
  mountSignup(app, deps);
  mountSession(app, deps);
  mountBindingLink(app, deps);
  mountEmailLink(app, deps);
  mountCredentials(app, deps);
  mountPreview(app, deps);
  mountAuth(app, deps);
  app.all('/api/*', (c) => c.json({ error: { code: 'not_found', message: 'There is no such API endpoint.' } } satisfies AppErrorBody, 404));

  // Built files. A content-hashed name is cached for good: a new build has new names.
  app.use('/assets/*', async (c, next) => {
    c.header('Cache-Control', assetCacheControl(c.req.path.slice(c.req.path.lastIndexOf('/') + 1)));
    await next();
  });
  // dist/assets/*.gz, written by the build (vite.config.ts): the SDK's 6.5 MB travel as 2.3 MB.
  app.use('/*', serveStatic({ root: options.distDir, precompressed: true }));
  // A file the build does not have is a 404, not the SPA's page: a stale tab asking for an old
  // chunk then fails plainly instead of being handed HTML as a script.
  app.all('/assets/*', (c) => c.text('Not found', 404, { 'Cache-Control': 'no-store' }));
  const spaHtml = createSpaHtml(options.distDir);
  app.get('*', (c) => {
    const html = spaHtml(c.req.path);
    return html === undefined ? c.text('The SPA is not built: run `npm run build`.', 503) : c.html(html);
  });

  app.onError((error, c) => {
    const requestId = c.get('requestId');
    const appError = toAppError(error);
    if (appError) {
      if (appError.status >= 500) logCloudFailure(log, requestId, c.req.path, appError);
      for (const [name, value] of Object.entries(appError.headers)) c.header(name, value);
      return c.json(appError.toBody(appError.status >= 500 ? requestId : undefined), appError.status);
    }
    // A bug: the details go to the log under the request id, never to the client.
    log.error('unhandled error', { requestId, path: c.req.path, error });
    return c.json(
      { error: { code: 'internal_error', message: 'Something went wrong on our side.', request_id: requestId } } satisfies AppErrorBody,
      500,
    );
  });

  return app;
}
