import { describe, expect, it } from 'vitest';
import { fakeFetch, hangUntilAborted, json } from '../test/fake-fetch';
import { createBiClient } from './client';
import { BiError, codeForStatus, type BiErrorCode } from './errors';
import { createBiHttp } from './http';
import { staticToken } from './management-token';
import { z } from 'zod';

const bi = {
  apiBaseUrl: 'https://api.example.test',
  authBaseUrl: 'https://auth.example.test',
  tenantId: 't1',
  realmId: 'r1',
  applicationId: 'app1',
  authenticatorConfigId: 'ac1',
  management: { kind: 'token' as const, apiToken: 'static-token' },
};

async function failure(promise: Promise<unknown>): Promise<BiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BiError);
  return error as BiError;
}

describe('codeForStatus', () => {
  it.each<[number, BiErrorCode]>([
    [400, 'bad_request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [409, 'conflict'],
    [410, 'gone'],
    [422, 'unprocessable'],
    [302, 'cloud_error'],
    [405, 'cloud_error'],
    [429, 'cloud_error'],
    [500, 'cloud_error'],
    [502, 'cloud_error'],
    [503, 'cloud_error'],
  ])('maps HTTP %i to %s', (status, code) => {
    expect(codeForStatus(status)).toBe(code);
  });
});

describe('the HTTP layer maps upstream answers to BiError codes', () => {
  const http = (fetch: typeof globalThis.fetch, timeoutMs = 5_000) =>
    createBiHttp({ apiBaseUrl: bi.apiBaseUrl, tenantId: 't1', realmId: 'r1', token: staticToken('static-token'), fetch, timeoutMs });

  it.each([400, 401, 403, 404, 409, 410, 422, 429, 500, 503])('HTTP %i keeps the status and the upstream code and message for the log', async (status) => {
    const fetch = fakeFetch(() => json(status, { code: 'some_code', message: 'upstream says no', details: [] }));
    const error = await failure(http(fetch).management('GetIdentity', 'GET', '/identities/i1', z.object({})));
    expect(error.code).toBe(codeForStatus(status));
    expect(error.upstream).toEqual({ operation: 'GetIdentity', status, code: 'some_code', message: 'upstream says no' });
    expect(fetch.calls).toHaveLength(1);
  });

  it('keeps the fields a 400 names (FieldViolations) for the log', async () => {
    const fetch = fakeFetch(() =>
      json(400, {
        code: 'bad_request',
        message: 'invalid parameters',
        details: [{ type: 'FieldViolations', field_violations: [{ field: 'job.delivery_method', description: 'invalid' }, { field: 'job_id', description: 'bad' }] }],
      }),
    );
    const error = await failure(http(fetch).management('CreateCredentialBindingJob', 'POST', '/identities/i1/credential-binding-jobs', z.object({}), {}));
    expect(error.code).toBe('bad_request');
    expect(error.upstream.fields).toEqual(['job.delivery_method', 'job_id']);
  });

  it('does not follow redirects (the token would go along): a 302 is cloud_error', async () => {
    const fetch = fakeFetch(() => new Response(null, { status: 302, headers: { location: 'https://elsewhere.test/' } }));
    const error = await failure(http(fetch).management('GetIdentity', 'GET', '/identities/i1', z.object({})));
    expect(error.code).toBe('cloud_error');
    expect(fetch.calls).toHaveLength(1);
  });

  it('network errors and timeouts are unreachable, with the cause kept', async () => {
    const refused = fakeFetch(() => Promise.reject(new TypeError('fetch failed')));
    const error = await failure(http(refused).management('GetIdentity', 'GET', '/identities/i1', z.object({})));
    expect(error.code).toBe('unreachable');
    expect((error.cause as Error).message).toBe('fetch failed');

    const hung = fakeFetch(hangUntilAborted);
    const timedOut = await failure(http(hung, 50).management('GetIdentity', 'GET', '/identities/i1', z.object({})));
    expect(timedOut.code).toBe('unreachable');
    // Ended by its own 50 ms timeout (the test would otherwise hang until vitest's).
    expect((timedOut.cause as Error).name).toBe('TimeoutError');
  });

  it('a 2xx that is not JSON, or not the expected shape, is cloud_error', async () => {
    const html = fakeFetch(() => new Response('<html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    expect((await failure(http(html).management('GetIdentity', 'GET', '/identities/i1', z.object({})))).code).toBe('cloud_error');
    const shape = fakeFetch(() => json(200, { id: 1 }));
    expect((await failure(http(shape).management('GetIdentity', 'GET', '/identities/i1', z.object({ id: z.string() })))).code).toBe('cloud_error');
  });

  it('refuses ids that could steer the path, without any request', async () => {
    const fetch = fakeFetch(() => json(200, {}));
    const client = createBiClient(bi, { fetch });
    for (const id of ['..', '.', 'a/b', 'a?b', 'a#b', '', 'x'.repeat(129), 'a%2Fb']) {
      expect((await failure(client.identities.get(id))).code).toBe('not_found');
      expect((await failure(client.bindingJobs.get('i1', id))).code).toBe('not_found');
      expect((await failure(client.credentials.revoke('i1', id))).code).toBe('not_found');
    }
    expect(fetch.calls).toHaveLength(0);
  });
});

describe('a lookup whose id the cloud refuses as malformed', () => {
  // What the local cloud (like Beyond Identity) answers to an id of the app's shape that it never issues.
  const malformed = (field: string) =>
    json(400, {
      code: 'bad_request',
      message: 'invalid parameters',
      details: [{ type: 'FieldViolations', field_violations: [{ field, description: 'must be 16 lowercase hexadecimal characters' }] }],
    });

  it('is not_found (GetIdentity, GetCredentialBindingJob, RevokeCredential, :getInfo), with the 400 kept as the cause', async () => {
    const client = createBiClient(bi, { fetch: fakeFetch(() => malformed('credential_id')) });
    const calls: [string, () => Promise<unknown>][] = [
      ['GetIdentity', () => client.identities.get('ABCDEF0123456789')],
      ['GetCredentialBindingJob', () => client.bindingJobs.get('i1', 'abc')],
      ['RevokeCredential', () => client.credentials.revoke('i1', 'ABCDEF0123456789')],
      ['GetCredentialBindingInfo', () => client.bindingLinkInfo.get('i1', 'abc', 'binding-token')],
    ];
    for (const [operation, call] of calls) {
      const error = await failure(call());
      expect(error.code, operation).toBe('not_found');
      expect(error.upstream).toEqual({ operation, status: 400, code: 'bad_request', message: 'invalid parameters', fields: ['credential_id'] });
      expect((error.cause as BiError).code).toBe('bad_request');
    }
  });

  it('is not_found without details too (the status is the contract, not the body)', async () => {
    const client = createBiClient(bi, { fetch: fakeFetch(() => json(400, { code: 'bad_request', message: 'invalid request' })) });
    expect((await failure(client.credentials.revoke('i1', 'c1'))).code).toBe('not_found');
  });

  it('stays bad_request when the 400 names the configured tenant or realm, or the call is not a lookup', async () => {
    const tenant = createBiClient(bi, { fetch: fakeFetch(() => malformed('tenant_id')) });
    expect((await failure(tenant.credentials.revoke('i1', 'c1'))).code).toBe('bad_request');
    expect((await failure(tenant.bindingJobs.get('i1', 'j1'))).code).toBe('bad_request');
    const list = createBiClient(bi, { fetch: fakeFetch(() => malformed('page_token')) });
    expect((await failure(list.credentials.list('i1'))).code).toBe('bad_request');
    expect((await failure(list.bindingJobs.create('i1', { deliveryMethod: 'EMAIL' }))).code).toBe('bad_request');
  });

  it('leaves real upstream failures alone: 5xx and wrong shapes are cloud_error, no answer is unreachable', async () => {
    const down = createBiClient(bi, { fetch: fakeFetch(() => json(503, { code: 'service_unavailable', message: 'down' })) });
    expect((await failure(down.credentials.revoke('i1', 'c1'))).code).toBe('cloud_error');
    const shape = createBiClient(bi, { fetch: fakeFetch(() => json(200, { id: 1 })) });
    expect((await failure(shape.bindingJobs.get('i1', 'j1'))).code).toBe('cloud_error');
    const silent = createBiClient(bi, { fetch: fakeFetch(() => Promise.reject(new TypeError('fetch failed'))) });
    expect((await failure(silent.bindingLinkInfo.get('i1', 'j1', 'binding-token'))).code).toBe('unreachable');
  });
});

describe('resource clients', () => {
  it('CreateIdentity: 409 is username_taken, with the upstream kept as the cause', async () => {
    const fetch = fakeFetch(() => json(409, { code: 'conflict', message: 'username already exists' }));
    const error = await failure(createBiClient(bi, { fetch }).identities.create({ username: 'ann', email: 'a@x.test', displayName: 'Ann' }));
    expect(error.code).toBe('username_taken');
    expect((error.cause as BiError).code).toBe('conflict');
    expect(JSON.parse(fetch.calls[0]!.body)).toEqual({
      identity: { display_name: 'Ann', traits: { type: 'traits_v0', username: 'ann', primary_email_address: 'a@x.test' } },
    });
    expect(fetch.calls[0]!.url.href).toBe('https://api.example.test/v1/tenants/t1/realms/r1/identities');
    expect(fetch.calls[0]!.headers.get('authorization')).toBe('Bearer static-token');
  });

  it('finds identities with an escaped SCIM filter', async () => {
    const fetch = fakeFetch(() => json(200, { identities: [], total_size: 0 }));
    const client = createBiClient(bi, { fetch });
    expect(await client.identities.findByUsername('a"b\\c')).toBeUndefined();
    expect(fetch.calls[0]!.url.searchParams.get('filter')).toBe('traits.username eq "a\\"b\\\\c"');
  });

  it('creates RETURN and EMAIL jobs under the configured authenticator config; a RETURN without link is cloud_error', async () => {
    const job = { id: 'j1', identity_id: 'i1', delivery_method: 'RETURN', state: 'LINK_SENT', expire_time: '2030-01-01T00:00:00Z' };
    const fetch = fakeFetch(() => json(200, { credential_binding_job: job }));
    const client = createBiClient(bi, { fetch });
    expect((await failure(client.bindingJobs.create('i1', { deliveryMethod: 'RETURN', postBindingRedirectUri: 'http://app.test/x' }))).code).toBe('cloud_error');
    expect(JSON.parse(fetch.calls[0]!.body)).toEqual({ job: { delivery_method: 'RETURN', authenticator_config_id: 'ac1', post_binding_redirect_uri: 'http://app.test/x' } });
    expect(await client.bindingJobs.create('i1', { deliveryMethod: 'EMAIL' })).toEqual({ job });
    expect(JSON.parse(fetch.calls[1]!.body)).toEqual({ job: { delivery_method: 'EMAIL', authenticator_config_id: 'ac1' } });
  });

  it('lists credentials across pages', async () => {
    const credential = (id: string) => ({ id, identity_id: 'i1', state: 'ACTIVE', jwk_thumbprint: 't', create_time: 'c', update_time: 'u' });
    const fetch = fakeFetch((request) =>
      request.url.searchParams.get('page_token') === 'p2'
        ? json(200, { credentials: [credential('c2')], total_size: 2 })
        : json(200, { credentials: [credential('c1')], total_size: 2, next_page_token: 'p2' }),
    );
    const list = await createBiClient(bi, { fetch }).credentials.list('i1');
    expect(list.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(fetch.calls.map((c) => c.url.searchParams.get('page_size'))).toEqual(['200', '200']);
  });

  it(':getInfo goes to the configured API with the binding token, never the management token, and no retry on 401', async () => {
    const fetch = fakeFetch(() => json(401, { code: 'unauthorized', message: 'unauthorized' }));
    const error = await failure(createBiClient(bi, { fetch }).bindingLinkInfo.get('i1', 'j1', 'binding-token'));
    expect(error.code).toBe('unauthorized');
    expect(fetch.calls).toHaveLength(1);
    expect(fetch.calls[0]!.method).toBe('POST');
    expect(fetch.calls[0]!.url.href).toBe('https://api.example.test/v1/tenants/t1/realms/r1/identities/i1/credential-binding-jobs/j1:getInfo');
    expect(fetch.calls[0]!.headers.get('authorization')).toBe('Bearer binding-token');
  });
});
