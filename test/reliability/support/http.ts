import type { DevTenant } from '../../../contracts/dev-tenant';

/**
 * Bodies are loosely typed JSON, as in the project's test harnesses (the lint
 * rule is relaxed for test files, which this support folder's names are not).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HttpAnswer {
  status: number;
  body: Json;
  headers: Headers;
}

/**
 * One request over a real socket, its body read as JSON when it says so.
 * Network failures (the server was killed) reject, so callers can tell
 * "refused" from "never answered".
 */
export async function http(url: string, init: RequestInit & { json?: unknown; token?: string } = {}, timeoutMs = 30_000): Promise<HttpAnswer> {
  const { json, token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(url, {
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, body: text && isJson ? JSON.parse(text) : text, headers: response.headers };
}

/** `{api_base_url}/v1/tenants/{t}/realms/{r}` of a dev tenant. */
export const realmUrl = (tenant: DevTenant, base = tenant.api_base_url) => `${base}/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}`;

/** A valid CreateIdentity body (with an email address, so EMAIL jobs work). */
export function identityBody(username: string) {
  return { identity: { display_name: `User ${username}`, traits: { type: 'traits_v0', username, primary_email_address: `${username}@example.com` } } };
}

/** The parts of a binding link (`…/credential-binding-jobs/{job}:invokeAuthenticator?token=…`). */
export function splitLink(link: string): { jobUrl: string; token: string } {
  const url = new URL(link);
  return { jobUrl: `${url.origin}${url.pathname.replace(/:invokeAuthenticator$/, '')}`, token: url.searchParams.get('token')! };
}

/** Every item of a paged management list (`page_size` 200, following `next_page_token`). */
export async function listAll(url: string, key: string, token: string): Promise<Json[]> {
  const items: Json[] = [];
  let pageToken: string | undefined;
  for (;;) {
    const page = new URL(url);
    page.searchParams.set('page_size', '200');
    if (pageToken) page.searchParams.set('page_token', pageToken);
    const answer = await http(page.toString(), { token });
    if (answer.status !== 200) throw new Error(`GET ${page} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items.push(...(answer.body[key] as Json[]));
    pageToken = answer.body.next_page_token;
    if (!pageToken) return items;
  }
}

/** A small seeded PRNG (mulberry32), so a load run can be replayed from its printed seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
