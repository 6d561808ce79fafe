import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';

type Route<T> = { method: string; path: string; handler: T };

/**
 * Hono's RegExpRouter matches a path with one regular expression; its
 * TrieRouter walks the path segment by segment. By default Hono uses the
 * first for every route or, if it refuses any, the second for all. It refuses
 * a literal beside a parameter at the same place of two paths, and Beyond
 * Identity's API has two: `identities:batchDelete` (routed as
 * `identities/@batchDelete`, see `routingPath`) beside
 * `identities/{identity_id}/…`, and `themes/active` beside
 * `themes/{theme_id}`. So every request paid for the trie walk: 4.7% of the
 * samples under job-creation load (`npm run bench:profile -- jobs`: the trie's
 * `search`, `match` and `splitPath`).
 *
 * This router keeps both. The regular expression has every route but those
 * literals, and serves every path that none of them matches; a path that one
 * does goes to the trie, which has every route, so its answer is Hono's
 * default one. `router.test.ts` checks that the two agree on paths for every
 * route of the cloud. Should the regular expression refuse anything else, the
 * trie serves every path, as Hono's default would. One difference is left on
 * purpose: for a request whose path has a literal `*` segment (`/console/*`),
 * the trie also matches the `*` as text and runs a wildcard middleware twice;
 * the regular expression runs it once.
 */
export class CloudRouter<T> implements Router<T> {
  name = 'CloudRouter';
  readonly #trie = new TrieRouter<T>();
  readonly #regExp = new RegExpRouter<T>();
  /** The literals beside parameters: a path that one of them matches is the trie's. */
  readonly #literals = new RegExpRouter<true>();
  readonly #routes: Route<T>[] = [];
  #built = false;
  #trieOnly = false;

  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler);
    this.#routes.push({ method, path, handler });
    // The regular expression is built at the first match; a route after that is the trie's alone.
    if (this.#built) this.#trieOnly = true;
  }

  match(method: string, path: string): Result<T> {
    if (!this.#built) this.#build();
    // A router with no route of a method answers `[undefined, …]` for it.
    if (this.#trieOnly || (this.#literals.match(method, path)[0]?.length ?? 0) > 0) return this.#trie.match(method, path);
    return this.#regExp.match(method, path);
  }

  /** Which router serves paths that no literal beside a parameter matches (for tests and diagnostics). */
  get mode(): 'regexp' | 'trie' {
    if (!this.#built) this.#build();
    return this.#trieOnly ? 'trie' : 'regexp';
  }

  #build(): void {
    this.#built = true;
    const literals = literalsBesideParams(this.#routes);
    try {
      for (const route of this.#routes) {
        if (literals.has(route)) this.#literals.add(route.method, route.path, true);
        else this.#regExp.add(route.method, route.path, route.handler);
      }
      // It refuses a route in `add`; building the expression now makes sure nothing is left to refuse later.
      this.#regExp.match('GET', '/');
    } catch {
      this.#trieOnly = true;
    }
  }
}

const isParam = (segment: string) => segment.startsWith(':');

/**
 * The routes with a literal segment where another route of the same method
 * (or ALL) has a parameter after the same segments before it: the pairs that
 * RegExpRouter cannot tell apart in one expression.
 */
export function literalsBesideParams<T>(routes: Route<T>[]): Set<Route<T>> {
  const found = new Set<Route<T>>();
  const split = routes.map((route) => ({ route, segments: route.path.split('/') }));
  for (const a of split) {
    for (const b of split) {
      if (a === b || !(a.route.method === b.route.method || a.route.method === 'ALL' || b.route.method === 'ALL')) continue;
      const n = Math.min(a.segments.length, b.segments.length);
      for (let i = 0; i < n; i++) {
        const x = a.segments[i]!;
        const y = b.segments[i]!;
        if (isParam(x) && isParam(y)) continue;
        if (x === y) continue;
        // `a` has a literal where `b` has a parameter: a literal that is no wildcard.
        if (!isParam(x) && isParam(y) && !x.includes('*')) found.add(a.route);
        break;
      }
    }
  }
  return found;
}
