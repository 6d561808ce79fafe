import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { resolve } from 'node:path';
import { CONSOLE_API_ROUTES, type ConsoleRouteName } from '../../../contracts/console-api';
import { notFound } from '../../lib/api-error';
import { isId } from '../../lib/ids';
import type { CloudDeps, CloudEnv } from '../deps';
import { ConsoleError, consoleErrorHandler } from './errors';
import { consoleHeaders, consolePages } from './pages';
import { activityRoutes } from './routes/activity';
import { applicationRoutes } from './routes/applications';
import { batchRoutes } from './routes/batch';
import { identityRoutes } from './routes/identities';
import { DEFAULT_JOB_EVENT_OPTIONS, jobRoutes, type JobEventOptions } from './routes/jobs';
import { sessionRoutes } from './routes/session';
import { themeRoutes } from './routes/theme';
import { tokenRoutes } from './routes/tokens';
import { requireSession, type ConsoleEnv } from './session';
import { createSignInLimits, DEFAULT_SIGN_IN_LIMITS, type SignInLimitOptions } from './sign-in-limits';

export interface ConsoleOptions {
  /** Vite's build output (with `console.html` and `assets/`); default `dist` in the working directory. */
  distDir?: string;
  /** The built-in SMTP capture's inbox, when it runs (the console links to it). */
  inboxUrl?: string;
  /** Seams for tests. */
  jobEvents?: Partial<JobEventOptions>;
  signInLimits?: Partial<SignInLimitOptions>;
}

type Handler = (c: Context<ConsoleEnv>) => Response | Promise<Response>;

/**
 * Mounts the Admin Console on the cloud: its JSON API under `/console/api`
 * (contracts/console-api.ts), the SPA at `/console` and its assets. Every API
 * route but signing in needs a session; every change needs the CSRF token.
 */
export function mountConsole(app: Hono<CloudEnv>, deps: CloudDeps, options: ConsoleOptions = {}): void {
  const limits = createSignInLimits(deps.db, deps.write, { ...DEFAULT_SIGN_IN_LIMITS, ...options.signInLimits }, deps.clock);
  const pages = consolePages(options.distDir ?? resolve('dist'));

  // One handler per contract route; the type makes a missing one a compile error.
  const handlers: Record<ConsoleRouteName, Handler> = {
    ...sessionRoutes(deps, { limits, inboxUrl: options.inboxUrl }),
    ...identityRoutes(deps),
    ...jobRoutes(deps, { ...DEFAULT_JOB_EVENT_OPTIONS, ...options.jobEvents }),
    ...batchRoutes(deps),
    ...applicationRoutes(deps),
    ...tokenRoutes(deps),
    ...themeRoutes(deps),
    ...activityRoutes(deps),
  };

  const consoleApp = new Hono<ConsoleEnv>();
  // Errors of the console answer in the contract's shape, whatever the rest of the cloud does.
  consoleApp.onError(consoleErrorHandler(deps.log));
  consoleApp.use('/console', consoleHeaders());
  consoleApp.use('/console/*', consoleHeaders());
  consoleApp.use('/assets/*', consoleHeaders());
  consoleApp.use('/console/api/*', requireSession(deps));
  consoleApp.use('/console/api/realms/:realm_id/*', realmGuard(deps));
  for (const [name, route] of Object.entries(CONSOLE_API_ROUTES) as [ConsoleRouteName, (typeof CONSOLE_API_ROUTES)[ConsoleRouteName]][]) {
    consoleApp.on(route.method, route.path, handlers[name]);
  }
  consoleApp.all('/console/api/*', () => {
    throw new ConsoleError(404, 'not_found', 'there is no such console API endpoint');
  });
  consoleApp.get('/console', pages.page);
  consoleApp.get('/console/*', pages.page);
  consoleApp.get('/assets/:file', pages.asset);
  consoleApp.get('/favicon.svg', pages.favicon);
  app.route('/', consoleApp as unknown as Hono<CloudEnv>);
}

/** `/console/api/realms/:realm_id/*`: a realm of the admin's own tenant, else 404. */
function realmGuard(deps: CloudDeps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const realmId = c.req.param('realm_id') ?? '';
    if (!isId(realmId) || !deps.repos.realms.get(c.get('admin').tenant_id, realmId)) throw notFound('Realm', realmId);
    c.set('realmId', realmId);
    await next();
  };
}
