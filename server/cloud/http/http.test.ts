import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listenLoopback } from '../../lib/listen';
import { createTestCloud, identityBody, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const identitiesPath = () => `${t.realmPath()}/identities`;

describe('request handling shared by every operation', () => {
  it('answers malformed JSON with 400 invalid request', async () => {
    const bad = await t.request('POST', identitiesPath(), { rawBody: '{"identity": {', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ code: 'bad_request', message: 'invalid request' });
  });

  it.each([['an array', '[]'], ['a string', '"x"'], ['null', 'null']])('answers a JSON body that is %s with 400', async (_what, raw) => {
    const bad = await t.request('POST', identitiesPath(), { rawBody: raw, headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ code: 'bad_request', message: 'invalid request' });
  });

  it('answers a body of another media type with 415, creating nothing', async () => {
    // The spec lists no 415 for any operation.
    const bad = await t.request('POST', identitiesPath(), {
      rawBody: JSON.stringify(identityBody('ann')),
      headers: { 'content-type': 'text/plain' },
      conformance: false,
    });
    expect(bad.status).toBe(415);
    expect(bad.body).toEqual({ code: 'unsupported_media_type', message: 'content type must be application/json' });
    expect((await t.get(identitiesPath())).body.total_size).toBe(0);
  });

  it('accepts application/json with a charset', async () => {
    const ok = await t.request('POST', identitiesPath(), {
      rawBody: JSON.stringify(identityBody('ann')),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(ok.status).toBe(200);
  });

  it('answers a body over 256 KiB with 413', async () => {
    const body = identityBody('ann');
    const raw = JSON.stringify({ ...body, padding: 'x'.repeat(256 * 1024) });
    const big = await t.request('POST', identitiesPath(), { rawBody: raw, headers: { 'content-type': 'application/json' }, conformance: false });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ code: 'payload_too_large', message: `request body exceeds ${256 * 1024} bytes` });
    expect((await t.get(identitiesPath())).body.total_size).toBe(0);
  });

  it('answers a malformed id in the path with 400 naming the parameter', async () => {
    const bad = await t.patch(`${identitiesPath()}/ABCDEF0123456789`, { identity: { display_name: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      code: 'bad_request',
      message: 'invalid parameters',
      details: [{ type: 'FieldViolations', field_violations: [{ field: 'identity_id', description: 'must be 16 lowercase hexadecimal characters' }] }],
    });

    // Every malformed id is named; GetCredential lists no 400 in the spec.
    const two = await t.get(`${identitiesPath()}/short/credentials/also-bad`, { conformance: false });
    expect(two.status).toBe(400);
    expect(two.body.details[0].field_violations.map((v: { field: string }) => v.field)).toEqual(['identity_id', 'credential_id']);
  });

  it('checks the path ids before the body', async () => {
    const bad = await t.request('PATCH', `${identitiesPath()}/nope`, { rawBody: '{', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field_violations[0].field).toBe('identity_id');
  });

  it('ignores unknown and read-only body fields', async () => {
    const body = identityBody('ann');
    const created = await t.post(identitiesPath(), {
      ...body,
      foo: 'bar',
      identity: { ...body.identity, id: '0123456789abcdef', create_time: '2000-01-01T00:00:00Z', realm_id: '0000000000000000', foo: 1 },
    });
    expect(created.status).toBe(200);
    expect(created.body.id).not.toBe('0123456789abcdef');
    expect(created.body.id).toMatch(/^[0-9a-f]{16}$/);
    expect(created.body.create_time).not.toBe('2000-01-01T00:00:00Z');
    expect(created.body.realm_id).toBe(t.tenant.realm_id);
    expect(created.body).not.toHaveProperty('foo');
    expect((await t.get(`${identitiesPath()}/0123456789abcdef`)).status).toBe(404);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const missing = await t.get('/v1/nothing/here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(missing.body).toEqual({ code: 'not_found', message: 'not found' });
  });

  it('echoes a request id', async () => {
    const response = await t.get(`/v1/tenants/${t.tenant.tenant_id}`, { headers: { 'x-request-id': 'req-123' } });
    expect(response.headers.get('x-request-id')).toBe('req-123');
    const generated = await t.get(`/v1/tenants/${t.tenant.tenant_id}`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('echoes or makes a request id over a real socket too, on answers and errors alike', async () => {
    const served = createTestCloud();
    const listening = await listenLoopback(served.cloud.app.fetch, 0);
    try {
      const base = `http://127.0.0.1:${listening.port}`;
      const auth = { authorization: `Bearer ${served.tenant.management.api_token}` };
      const echoed = await fetch(`${base}/v1/tenants/${served.tenant.tenant_id}`, { headers: { ...auth, 'x-request-id': 'req-456' } });
      expect([echoed.status, echoed.headers.get('x-request-id'), echoed.headers.get('content-type')]).toEqual([200, 'req-456', 'application/json']);
      const refused = await fetch(`${base}/v1/tenants/${served.tenant.tenant_id}`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
      expect(await refused.json()).toEqual({ code: 'unauthorized', message: 'unauthorized' });
    } finally {
      await listening.close();
      served.db.close();
    }
  });

  it('answers an unexpected failure with a generic 500 that shows no internals', async () => {
    const failing = createTestCloud();
    vi.spyOn(failing.cloud.deps.repos.tenants, 'get').mockImplementation(() => {
      throw new Error('secret internals');
    });
    const response = await failing.get(`/v1/tenants/${failing.tenant.tenant_id}`);
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ code: 'internal_server_error', message: 'internal server error' });
    expect(JSON.stringify(response.body)).not.toContain('secret internals');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });
});
