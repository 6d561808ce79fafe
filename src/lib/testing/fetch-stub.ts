import { vi, type Mock } from 'vitest';

/** A JSON response, as the app backend sends them. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** The contract's error body. */
export function apiError(status: number, code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ error: { code, message: `${code} (from the test)`, ...extra } }, status, headers);
}

export interface StubRequest {
  method: string;
  url: string;
  /** The parsed JSON body, if any. */
  body: unknown;
}

/** Answers one request; a plain `Response` factory or a function of the request. */
export type StubHandler = (request: StubRequest) => Response | Promise<Response>;

/**
 * Stubs `fetch` with a table of `'METHOD /path'` handlers (`vi.stubGlobal`). Unlisted calls
 * answer 404 with the contract's error body. Returns the mock and a helper listing the calls.
 */
export function stubApi(routes: Record<string, StubHandler>): { fetch: Mock<typeof fetch>; calls: (key?: string) => StubRequest[] } {
  const seen: (StubRequest & { key: string })[] = [];
  const mock = vi.fn<typeof fetch>(async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = new URL(url, 'http://localhost').pathname;
    const key = `${method} ${path}`;
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const request = { method, url, body };
    seen.push({ ...request, key });
    const handler = routes[key];
    return handler ? handler(request) : apiError(404, 'not_found');
  });
  vi.stubGlobal('fetch', mock);
  return { fetch: mock, calls: (key) => seen.filter((call) => key === undefined || call.key === key) };
}
