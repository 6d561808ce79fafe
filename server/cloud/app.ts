import { Hono } from 'hono';
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ApiError, internalError } from '../lib/api-error';
import { newId } from '../lib/ids';
import type { Logger } from '../lib/logger';
import { createAuthenticator } from './auth/authenticate';
import { mountBindingProtocol } from './binding/routes';
import { createGroupCommit } from './db/group-commit';
import type { Db } from './db/open';
import { mountConsole, type ConsoleOptions } from './console/mount';
import type { CloudConfig, CloudDeps, CloudEnv } from './deps';
import { bodyLimit } from './http/body-limit';
import { mountOperations } from './http/operation';
import { mountOidc } from './oidc/routes';
import { createSigningKeys } from './oidc/signing-keys';
import { routingPath } from './http/path';
import { CloudRouter } from './http/router';
import { managementOperations } from './operations';
import { createRepos } from './repos';
import { issueToken } from './tokens/issue-token';

export interface BuildCloudOptions {
  db: Db;
  config: CloudConfig;
  log: Logger;
  clock?: () => Date;
  /** Seals emailed binding links in the outbox; tests may omit it (a random key). */
  sealKey?: Buffer;
  /** The Admin Console: where the SPA's build is, whether the capture inbox runs. */
  console?: ConsoleOptions;
}

/**
 * Builds the local cloud's HTTP app over a database. It does not listen:
 * `server.ts` does, and tests call `app.request()` in-process.
 */
export function buildCloud(options: BuildCloudOptions) {
  const clock = options.clock ?? (() => new Date());
  const repos = createRepos(options.db);
  const sealKey = options.sealKey ?? randomBytes(32);
  const deps: CloudDeps = {
    db: options.db,
    repos,
    config: options.config,
    log: options.log,
    clock,
    authenticate: createAuthenticator(repos.tokens, clock),
    secrets: { sealKey },
    onMailQueued: () => undefined,
    signingKeys: createSigningKeys(options.db, sealKey),
    write: createGroupCommit(options.db),
  };
  const app = new Hono<CloudEnv>({ getPath: (req) => routingPath(req.url), router: new CloudRouter() });

  app.use(async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 64) || newId();
    c.set('requestId', requestId);
    // Set before the handler runs: a header added to a finished response makes
    // Hono rebuild it as a full Response object, on every request. Served by
    // @hono/node-server, it goes straight onto Node's response (`c.env.outgoing`),
    // which merges it into the handler's headers: set with `c.header()`, Hono
    // keeps a WHATWG Headers object for every response, which @hono/node-server
    // then turns back into a plain one. In process (`app.request()`) there is
    // no Node response, and `c.header()` it is.
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (outgoing) outgoing.setHeader('x-request-id', requestId);
    else c.header('x-request-id', requestId);
    await next();
  });
  app.use(
    bodyLimit(options.config.maxBodyBytes, (c) =>
      c.json({ code: 'payload_too_large', message: `request body exceeds ${options.config.maxBodyBytes} bytes` }, 413),
    ),
  );

  app.get('/health', (c) => c.json({ ok: true }));
  app.post('/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id/token', (c) => issueToken(c, deps));
  mountBindingProtocol(app, deps);
  mountOidc(app, deps);
  mountConsole(app, deps, options.console);
  mountOperations(app, deps, managementOperations);

  app.notFound((c) => c.json({ code: 'not_found', message: 'not found' }, 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status, error.headers);
    // Never show internals: the body is generic, the log has the request id.
    options.log.error('unhandled error', { requestId: c.get('requestId'), path: c.req.path, error });
    return c.json(internalError().toBody(), 500);
  });

  return { app, deps };
}

export type Cloud = ReturnType<typeof buildCloud>;
