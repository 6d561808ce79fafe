/**
 * The page of the app at `invoke_url` that a redirect sends a person to: `path` appended to the
 * Invoke URL's own path (one slash between them, whether the Invoke URL ends in one or not), the
 * Invoke URL's own query kept and `params` added to it. Built with the URL API, not by joining
 * strings: `https://app.example/x?tenant=a` + `/bind?…` would put `/bind` inside the query.
 * A parameter of ours replaces one of the same name in the Invoke URL's query, since the SDK
 * and the app's page read ours.
 */
export function invokeUrlWith(invokeUrl: string, path: `/${string}`, params: Record<string, string>): string {
  const url = new URL(invokeUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
