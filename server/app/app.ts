import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Health } from '../../contracts/health';
import { newId } from '../lib/ids';
import type { Logger } from '../lib/logger';
import type { AppConfig } from './config';

export interface BuildAppOptions {
  config: AppConfig;
  log: Logger;
  /** Folder of the built SPA (`vite build` output). */
  distDir: string;
}

/**
 * The app backend ("your server" in Beyond Identity's diagrams): its JSON API
 * under `/api`, and the built SPA for every other GET (client-side routes fall
 * back to index.html). It talks to Beyond Identity only over HTTP.
 */
export function buildApp(options: BuildAppOptions) {
  const app = new Hono<{ Variables: { requestId: string } }>();
  app.use(async (c, next) => {
    c.set('requestId', newId());
    await next();
  });

  app.get('/api/health', (c) => c.json({ ok: true, cloud: { api_base_url: options.config.bi.apiBaseUrl } } satisfies Health));
  app.all('/api/*', (c) => c.json({ code: 'not_found', message: 'not found' }, 404));

  app.use('/*', serveStatic({ root: options.distDir }));
  const indexFile = join(options.distDir, 'index.html');
  app.get('*', (c) => {
    if (!existsSync(indexFile)) return c.text('The SPA is not built: run `npm run build`.', 503);
    return c.html(readFileSync(indexFile, 'utf8'));
  });

  app.onError((error, c) => {
    const requestId = c.get('requestId');
    options.log.error('unhandled error', { requestId, path: c.req.path, error });
    return c.json({ code: 'internal_error', message: 'Something went wrong on our side.', request_id: requestId }, 500);
  });
  return app;
}
