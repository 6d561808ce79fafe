/**
 * Beyond Identity uses Google-style custom methods: `…/identities:batchDelete`,
 * `…/credential-binding-jobs/{id}:revoke`. Hono reads `:` as the start of a
 * path parameter, so before routing we rewrite a trailing `x:verb` segment to
 * `x/@verb`, and routes are declared with `/@verb`.
 */
export function routingPath(url: string): string {
  const start = url.indexOf('/', url.indexOf('://') + 3);
  if (start === -1) return '/';
  const query = url.indexOf('?', start);
  const path = query === -1 ? url.slice(start) : url.slice(start, query);
  const lastSlash = path.lastIndexOf('/');
  const last = path.slice(lastSlash + 1);
  // A client may percent-encode the colon, in either case: the hex digits of a
  // percent-encoding are case-insensitive (RFC 3986 §2.1), so `%3a` is `%3A` is `:`.
  const literal = last.indexOf(':');
  const colon = literal !== -1 ? literal : last.search(/%3a/i);
  if (colon <= 0) return path;
  const verbStart = literal !== -1 ? colon + 1 : colon + 3;
  return `${path.slice(0, lastSlash + 1)}${last.slice(0, colon)}/@${last.slice(verbStart)}`;
}
