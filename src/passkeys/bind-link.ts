import type { BindLinkParams } from '../../contracts/app-api';

export type { BindLinkParams };

/** The query parameters of the EMAIL redirect to `{invoke_url}/bind`, all required. */
export const BIND_LINK_PARAMS = ['api_base_url', 'tenant_id', 'realm_id', 'identity_id', 'job_id', 'token'] as const;

/**
 * Whether a `/bind` query carries any binding-link parameter. Such a query is an EMAIL link
 * (complete or not); a query without any (e.g. only `?next=`) is the RETURN flow.
 */
export function hasBindLinkParams(search: string | URLSearchParams): boolean {
  const query = new URLSearchParams(search);
  return BIND_LINK_PARAMS.some((name) => query.has(name));
}

/**
 * Reads the six parameters of an EMAIL binding link from a `/bind` query. Other parameters are
 * ignored.
 *
 * @returns the parameters, or `null` ("not a binding link") when one is missing or empty, or
 *   `api_base_url` is not an absolute http(s) URL.
 */
export function parseBindLinkQuery(search: string | URLSearchParams): BindLinkParams | null {
  const query = new URLSearchParams(search);
  const entries = BIND_LINK_PARAMS.map((name) => [name, query.get(name)?.trim() ?? ''] as const);
  if (entries.some(([, value]) => value === '')) return null;
  const params = Object.fromEntries(entries) as BindLinkParams;

  let base: URL;
  try {
    base = new URL(params.api_base_url);
  } catch {
    return null;
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return null;
  return params;
}

/**
 * The URL to hand to `bindPasskey` for an EMAIL link.
 *
 * - `https:` `api_base_url` (Beyond Identity): the `/bind?…` URL itself, as a full URL of this
 *   origin with the original query unchanged; the SDK reads it directly.
 * - `http:` `api_base_url` (the local cloud): the SDK only takes the `/bind?` form with an https
 *   `api_base_url` (bi-protocol.md, "URL shapes"), so the query is turned into the equivalent
 *   `{api_base_url}/v1/tenants/{t}/realms/{r}/identities/{i}/credential-binding-jobs/{job}:invokeAuthenticator?token={tok}`.
 *
 * @param location where the link was opened: this page's origin and its original query string.
 */
export function toSdkBindUrl(params: BindLinkParams, location: { origin: string; search: string }): string {
  const base = new URL(params.api_base_url);
  if (base.protocol === 'https:') {
    const search = location.search.startsWith('?') ? location.search : `?${location.search}`;
    return `${location.origin}/bind${search}`;
  }
  const root = params.api_base_url.replace(/\/+$/, '');
  const segment = encodeURIComponent;
  return (
    `${root}/v1/tenants/${segment(params.tenant_id)}/realms/${segment(params.realm_id)}` +
    `/identities/${segment(params.identity_id)}/credential-binding-jobs/${segment(params.job_id)}` +
    `:invokeAuthenticator?token=${encodeURIComponent(params.token)}`
  );
}
