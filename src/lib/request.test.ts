import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, describeRateLimit } from './api-error';
import { parseRetryAfter, request } from './request';
import { apiError, json, stubApi } from './testing/fetch-stub';
import { guard, isRecord } from './validate';

afterEach(() => {
  vi.unstubAllGlobals();
});

const anything = guard('an object', (value): value is Record<string, unknown> => isRecord(value));

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('request', () => {
  it('POSTs JSON with the content type the backend requires, same-origin credentials', async () => {
    const api = stubApi({ 'POST /api/x': () => json({ ok: 1 }) });
    await expect(request('/api/x', { method: 'POST', body: { a: 1 }, validate: anything })).resolves.toEqual({ ok: 1 });
    const [, init] = api.fetch.mock.calls[0]!;
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', body: '{"a":1}' });
    expect(init?.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
  });

  it('sends {} for a POST without a body and ignores a 204 answer', async () => {
    const api = stubApi({ 'POST /api/logout': () => new Response(null, { status: 204 }) });
    await expect(request('/api/logout', { method: 'POST' })).resolves.toBeUndefined();
    expect(api.calls()[0]!.body).toEqual({});
  });

  it.each([
    [409, 'username_taken', 'That username is taken.'],
    [401, 'unauthenticated', 'You are not signed in.'],
    [502, 'cloud_unreachable', 'Beyond Identity could not be reached. Try again in a moment.'],
    [502, 'cloud_error', 'Beyond Identity answered with an error.'],
    [500, 'internal_error', 'Something went wrong on our side.'],
  ])('maps %i %s to a typed error in the SPA’s words', async (status, code, message) => {
    stubApi({ 'POST /api/x': () => apiError(status, code, { request_id: 'req-1' }) });
    const error = await failure(request('/api/x', { method: 'POST' }));
    expect(error).toMatchObject({ code, status, message, requestId: 'req-1' });
  });

  it('keeps the per-field messages and the backend sentence of invalid_request', async () => {
    stubApi({
      'POST /api/x': () =>
        json({ error: { code: 'invalid_request', message: 'Your account has no email address.', fields: { email: 'Bad.', n: 3 } } }, 422),
    });
    const error = await failure(request('/api/x', { method: 'POST' }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('Your account has no email address.');
    expect(error.fields).toEqual({ email: 'Bad.' });
  });

  it('reads rate_limited with Retry-After', async () => {
    stubApi({ 'POST /api/x': () => apiError(429, 'rate_limited', {}, { 'Retry-After': '90' }) });
    const error = await failure(request('/api/x', { method: 'POST' }));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 90 });
    expect(describeRateLimit(error)).toBe('Too many requests, try again in 2 minutes.');
  });

  it('maps by status when the body has no known code (401, 429), else http', async () => {
    stubApi({
      'GET /a': () => new Response('no', { status: 401 }),
      'GET /b': () => new Response('slow down', { status: 429 }),
      'GET /c': () => new Response('down', { status: 503, statusText: 'Service Unavailable' }),
      'GET /d': () => json({ code: 'not_found', message: 'not found' }, 404),
    });
    expect((await failure(request('/a'))).code).toBe('unauthenticated');
    expect((await failure(request('/b'))).code).toBe('rate_limited');
    const down = await failure(request('/c'));
    expect(down).toMatchObject({ code: 'http', status: 503, message: 'The server answered 503 Service Unavailable.' });
    expect(down.isTransient).toBe(true);
    // The Beyond Identity style body, at the root.
    expect((await failure(request('/d'))).code).toBe('not_found');
  });

  it('maps no answer to network (transient) and a wrong body to invalid-response', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockRejectedValue(new TypeError('Failed to fetch')));
    const offline = await failure(request('/x'));
    expect(offline.code).toBe('network');
    expect(offline.isTransient).toBe(true);

    stubApi({ 'GET /x': () => json({ nope: true }) });
    const wrong = await failure(request('/x', { validate: guard('a number', (v): v is number => typeof v === 'number') }));
    expect(wrong).toMatchObject({ code: 'invalid-response', status: 200 });
    expect(wrong.isTransient).toBe(false);
  });

  it('rethrows an abort as is (TanStack Query recognises its own cancellation)', async () => {
    const controller = new AbortController();
    const abort = new DOMException('aborted', 'AbortError');
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockImplementation(async () => {
      controller.abort();
      throw abort;
    }));
    await expect(request('/x', { signal: controller.signal })).rejects.toBe(abort);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, an HTTP date, or a number in the body', () => {
    expect(parseRetryAfter('120')).toBe(120);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(parseRetryAfter(inAMinute)).toBeGreaterThanOrEqual(58);
    expect(parseRetryAfter(null, { retry_after: 30 })).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('words an unknown wait without a number', () => {
    expect(describeRateLimit(new ApiError('rate_limited', 'x'))).toBe('Too many requests, try again later.');
    expect(describeRateLimit(new ApiError('rate_limited', 'x', { retryAfterSeconds: 10 }))).toBe('Too many requests, try again in 1 minute.');
  });
});
