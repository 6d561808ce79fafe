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
  const colon = last.indexOf(':') !== -1 ? last.indexOf(':') : last.indexOf('%3A');
  if (colon <= 0) return path;
  const verbStart = last[colon] === ':' ? colon + 1 : colon + 3;
  return `${path.slice(0, lastSlash + 1)}${last.slice(0, colon)}/@${last.slice(verbStart)}`;
}
