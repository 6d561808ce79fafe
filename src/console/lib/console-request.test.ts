import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CSRF_HEADER } from '../../../contracts/console-api';
import { json, stubApi } from '../../lib/testing/fetch-stub';
import { ConsoleApiError } from './console-error';
import { consoleRequest } from './console-request';
import { getCsrfToken, onSessionLost, setCsrfToken } from './session-store';
import { consoleError, session } from './testing/fixtures';

const anything = z.object({}).loose();

/** The headers of the n-th fetch call, lower-cased names. */
function headersOf(fetchMock: ReturnType<typeof stubApi>['fetch'], n = 0): Record<string, string> {
  const init = fetchMock.mock.calls[n]![1];
  return Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
}

async function failure(promise: Promise<unknown>): Promise<ConsoleApiError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConsoleApiError);
  return error as ConsoleApiError;
}

beforeEach(() => setCsrfToken('csrf-1'));

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

describe('consoleRequest', () => {
  it.each(['POST', 'PATCH', 'DELETE'] as const)('sends X-CSRF-Token on %s', async (method) => {
    const api = stubApi({ [`${method} /console/api/x`]: () => new Response(null, { status: 204 }) });
    await consoleRequest('/console/api/x', { method });
    expect(headersOf(api.fetch)[CSRF_HEADER.toLowerCase()]).toBe('csrf-1');
    expect(api.fetch.mock.calls[0]![1]).toMatchObject({ method, credentials: 'same-origin' });
  });

  it('does not send it on GET', async () => {
    const api = stubApi({ 'GET /console/api/x': () => json({ ok: true }) });
    await expect(consoleRequest('/console/api/x', { validate: anything })).resolves.toEqual({ ok: true });
    expect(headersOf(api.fetch)[CSRF_HEADER.toLowerCase()]).toBeUndefined();
  });

  it('sends JSON bodies ({} when there is none) on POST and PATCH, none on DELETE', async () => {
    const api = stubApi({
      'POST /console/api/x': () => json({}),
      'PATCH /console/api/x': () => json({}),
      'DELETE /console/api/x': () => new Response(null, { status: 204 }),
    });
    await consoleRequest('/console/api/x', { method: 'POST' });
    await consoleRequest('/console/api/x', { method: 'PATCH', body: { a: 1 } });
    await consoleRequest('/console/api/x', { method: 'DELETE' });
    expect(api.calls().map((call) => call.body)).toEqual([{}, { a: 1 }, undefined]);
    expect(headersOf(api.fetch, 0)['content-type']).toBe('application/json');
    expect(headersOf(api.fetch, 2)['content-type']).toBeUndefined();
  });

  it('maps a 401 to unauthorized and reports the lost session (unless told to ignore it)', async () => {
    const lost = vi.fn();
    const stop = onSessionLost(lost);
    stubApi({ 'GET /console/api/x': () => consoleError(401, 'unauthorized', 'sign in to the console') });
    const error = await failure(consoleRequest('/console/api/x'));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(error.message).toBe('Your console session has ended. Sign in again.');
    expect(lost).toHaveBeenCalledTimes(1);
    expect(getCsrfToken()).toBeNull();

    await failure(consoleRequest('/console/api/x', { unauthorized: 'ignore' }));
    expect(lost).toHaveBeenCalledTimes(1);
    stop();
  });

  it('maps a 401 without a body to unauthorized too', async () => {
    stubApi({ 'GET /console/api/x': () => new Response('no', { status: 401 }) });
    expect((await failure(consoleRequest('/console/api/x', { unauthorized: 'ignore' }))).code).toBe('unauthorized');
  });

  it('on 403 csrf re-reads the session for a fresh token and retries once', async () => {
    let attempts = 0;
    const api = stubApi({
      'POST /console/api/x': () => (++attempts === 1 ? consoleError(403, 'csrf', 'missing or wrong X-CSRF-Token; reload the session') : json({ done: true })),
      'GET /console/api/session': () => json(session({ csrf_token: 'csrf-2' })),
    });
    await expect(consoleRequest('/console/api/x', { method: 'POST', validate: anything })).resolves.toEqual({ done: true });
    expect(headersOf(api.fetch, 0)[CSRF_HEADER.toLowerCase()]).toBe('csrf-1');
    expect(headersOf(api.fetch, 2)[CSRF_HEADER.toLowerCase()]).toBe('csrf-2');
    expect(getCsrfToken()).toBe('csrf-2');
  });

  it('maps a 403 csrf that persists to a csrf error', async () => {
    const api = stubApi({
      'DELETE /console/api/x': () => consoleError(403, 'csrf'),
      'GET /console/api/session': () => json(session({ csrf_token: 'csrf-2' })),
    });
    const error = await failure(consoleRequest('/console/api/x', { method: 'DELETE' }));
    expect(error).toMatchObject({ code: 'csrf', status: 403 });
    expect(error.message).toMatch(/security token is out of date/);
    expect(api.calls('DELETE /console/api/x')).toHaveLength(2);
  });

  it('does not retry a plain 403 forbidden', async () => {
    const api = stubApi({ 'POST /console/api/x': () => consoleError(403, 'forbidden', 'forbidden') });
    expect((await failure(consoleRequest('/console/api/x', { method: 'POST' }))).code).toBe('forbidden');
    expect(api.calls()).toHaveLength(1);
  });

  it('maps a 429 with Retry-After', async () => {
    stubApi({
      'POST /console/api/session': () => consoleError(429, 'too_many_requests', 'too many failed sign-ins; try again in 240 s', {}, { 'Retry-After': '240' }),
    });
    const error = await failure(consoleRequest('/console/api/session', { method: 'POST', unauthorized: 'ignore' }));
    expect(error).toMatchObject({ code: 'too_many_requests', status: 429, retryAfterSeconds: 240 });
    expect(error.message).toBe('Too many attempts: try again in 4 minutes.');
  });

  it('keeps FieldViolations as fields and the cloud’s sentence for other 4xx', async () => {
    stubApi({
      'POST /console/api/a': () =>
        consoleError(400, 'bad_request', 'invalid parameters', {
          details: [{ type: 'FieldViolations', field_violations: [{ field: 'application.display_name', description: 'is required' }] }],
        }),
      'POST /console/api/b': () => consoleError(422, 'unprocessable_entity', 'identity has no email address'),
    });
    const bad = await failure(consoleRequest('/console/api/a', { method: 'POST' }));
    expect(bad).toMatchObject({ code: 'bad_request', fields: { 'application.display_name': 'is required' } });
    const unprocessable = await failure(consoleRequest('/console/api/b', { method: 'POST' }));
    expect(unprocessable).toMatchObject({ code: 'unprocessable_entity', message: 'Identity has no email address.' });
  });

  it('never shows 5xx details, and maps no answer to network', async () => {
    stubApi({ 'GET /console/api/x': () => consoleError(500, 'internal_server_error', 'secret stack trace', { request_id: 'req-9' }) });
    const error = await failure(consoleRequest('/console/api/x'));
    expect(error).toMatchObject({ code: 'internal_server_error', requestId: 'req-9', isTransient: true });
    expect(error.message).not.toMatch(/secret/);

    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockRejectedValue(new TypeError('Failed to fetch')));
    expect(await failure(consoleRequest('/console/api/x'))).toMatchObject({ code: 'network', isTransient: true });
  });

  it('maps a body that does not match the contract to invalid-response', async () => {
    stubApi({ 'GET /console/api/x': () => json({ nope: 1 }) });
    const error = await failure(consoleRequest('/console/api/x', { validate: z.object({ id: z.string() }) }));
    expect(error.code).toBe('invalid-response');
  });
});
