import type { Result } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger';
import { buildCloud } from '../app';
import { openDb } from '../db/open';
import { CloudRouter, literalsBesideParams } from './router';

function cloudApp() {
  return buildCloud({
    db: openDb(':memory:'),
    log: createLogger({ service: 'test' }, { level: 'silent' }),
    config: { apiBaseUrl: 'http://localhost', authBaseUrl: 'http://localhost', bindingTokenTtlSeconds: 60, maxBodyBytes: 1024, jwksBaseUrl: 'https://localhost' },
  }).app;
}

/** Handlers in order, each with its parameters resolved, whichever form the router answered in. */
function resolved<T>(result: Result<T>): [T, Record<string, string>][] {
  const [matches, stash] = result as [[T, Record<string, string | number>][], string[] | undefined];
  return matches.map(([handler, params]) => [
    handler,
    Object.fromEntries(Object.entries(params).map(([key, value]) => [key, stash ? stash[value as number]! : (value as string)])),
  ]);
}

/**
 * Concrete paths for a route: every parameter as a good id, a bad one, the
 * wildcard `-`, and each literal that stands beside one; each also cut short,
 * made longer, and with a trailing slash. A literal `*` is left out: there the
 * trie matches `*` as text (see CloudRouter).
 */
function pathsFor(path: string, literals: string[]): string[] {
  const fillers = ['0123456789abcdef', 'not-an-id', '-', ...literals];
  const out = new Set<string>();
  for (const filler of fillers) {
    const full = path.replace(/:[^/]+/g, filler).replace(/\*$/, 'x/y');
    const segments = full.split('/');
    for (let n = 2; n <= segments.length; n++) out.add(segments.slice(0, n).join('/'));
    out.add(`${full}/`);
    out.add(`${full}/extra/segments`);
  }
  return [...out];
}

describe('CloudRouter', () => {
  it("answers every route of the cloud as Hono's trie router does, from its regular expression", () => {
    const app = cloudApp();
    const router = app.router as unknown as CloudRouter<[unknown, unknown]>;
    const trie = new TrieRouter<[unknown, unknown]>();
    for (const route of app.routes) trie.add(route.method, route.path, [route.handler, route]);
    // The literals the router found, as path segments: a new one is tested without naming it here.
    const literals = [...literalsBesideParams(app.routes)].flatMap((route) => route.path.split('/').filter((x) => x && !x.startsWith(':')));
    expect(literals).toEqual(expect.arrayContaining(['active', '@batchDelete']));
    let compared = 0;
    for (const route of app.routes) {
      const methods = route.method === 'ALL' ? ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS', 'PUT', 'HEAD'] : [route.method, 'GET', 'PUT'];
      for (const method of methods) {
        for (const path of pathsFor(route.path, literals)) {
          // The route, not only its handler: routes may share one (`@bind` and `@getInfo`'s CORS).
          const ours = resolved(router.match(method, path)).map(([[, route], params]) => [route, params]);
          const hono = resolved(trie.match(method, path)).map(([[, route], params]) => [route, params]);
          expect(ours, `${method} ${path}`).toEqual(hono);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
    // Not the trie for everything, which would agree too.
    expect(router.mode).toBe('regexp');
  });

  it('matches a literal beside a parameter before the parameter, as registered', () => {
    const app = cloudApp();
    const base = '/v1/tenants/0123456789abcdef/realms/0123456789abcdef';
    const routes = (method: string, path: string) =>
      resolved(app.router.match(method, path)).map(([[, route]]) => (route as { path: string }).path);
    // Hono runs the first that answers: `themes/active` is its own operation, not a theme id.
    expect(routes('GET', `${base}/themes/active`).slice(-2)).toEqual([
      '/v1/tenants/:tenant_id/realms/:realm_id/themes/active',
      '/v1/tenants/:tenant_id/realms/:realm_id/themes/:theme_id',
    ]);
    expect(routes('POST', `${base}/identities/@batchDelete`).at(-1)).toBe('/v1/tenants/:tenant_id/realms/:realm_id/identities/@batchDelete');
    expect(routes('POST', `${base}/identities/0123456789abcdef/credential-binding-jobs`).at(-1)).toBe(
      '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credential-binding-jobs',
    );
  });

  it('finds the literals beside parameters, and only those', () => {
    const routes = [
      { method: 'GET', path: '/a/:id', handler: 1 },
      { method: 'GET', path: '/a/active', handler: 2 },
      { method: 'POST', path: '/a/other', handler: 3 },
      { method: 'ALL', path: '/a/*', handler: 4 },
      { method: 'GET', path: '/b/:id/c', handler: 5 },
      { method: 'GET', path: '/b/:other/d', handler: 6 },
    ];
    expect([...literalsBesideParams(routes)].map((route) => route.handler)).toEqual([2]);
  });

  it('serves from the trie alone once a route comes after the first match', () => {
    const router = new CloudRouter<string>();
    router.add('GET', '/a/:id', 'by id');
    expect(resolved(router.match('GET', '/a/1'))).toEqual([['by id', { id: '1' }]]);
    router.add('GET', '/b', 'late');
    expect(router.mode).toBe('trie');
    expect(resolved(router.match('GET', '/b'))).toEqual([['late', {}]]);
    expect(resolved(router.match('GET', '/a/2'))).toEqual([['by id', { id: '2' }]]);
  });
});
