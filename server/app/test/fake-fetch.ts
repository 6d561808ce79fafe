/** A recorded request to the fake Beyond Identity. */
export interface FakeRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  signal: AbortSignal;
}

export type FakeHandler = (request: FakeRequest) => Response | Promise<Response>;

/**
 * A `fetch` for unit tests: every call is recorded and answered by `handler`
 * (no network). Integration tests use the real local cloud instead.
 */
export function fakeFetch(handler: FakeHandler): typeof fetch & { calls: FakeRequest[] } {
  const calls: FakeRequest[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const recorded: FakeRequest = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: await request.text(),
      signal: init?.signal ?? request.signal,
    };
    calls.push(recorded);
    return handler(recorded);
  };
  return Object.assign(fn as typeof fetch, { calls });
}

/** A JSON response. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A handler that never answers until the request is aborted (a hung server). */
export function hangUntilAborted(request: FakeRequest): Promise<Response> {
  return new Promise((_resolve, reject) => {
    if (request.signal.aborted) reject(request.signal.reason);
    request.signal.addEventListener('abort', () => reject(request.signal.reason));
  });
}
