import { describe, expect, it } from 'vitest';
import { assertConforms, operationFor } from './conformance';

// The conformance check guards every API test; these prove it can fail.
describe('OpenAPI conformance check', () => {
  const identity = '/v1/tenants/000176d94fd7b4d1/realms/19a95130480dfa79/identities/e372db224c06e850';

  it('maps request paths to the spec operations, custom methods included', () => {
    expect(operationFor('GET', identity)).toBe('GetIdentity');
    expect(operationFor('POST', '/v1/tenants/a/realms/b/identities:batchDelete')).toBe('BatchDeleteIdentities');
    expect(operationFor('GET', '/v1/tenants/a/realms/b/themes/active')).toBe('GetActiveTheme');
    expect(operationFor('GET', '/v1/tenants/a/realms/b/themes/c')).toBe('GetTheme');
    expect(operationFor('GET', '/health')).toBeUndefined();
  });

  it('rejects wrong types, missing envelope fields and wrong enums', () => {
    expect(() => assertConforms('GET', identity, 200, { id: 5 })).toThrow(/does not match/);
    expect(() => assertConforms('GET', '/v1/tenants/a/realms/b/identities', 200, { identities: [] })).toThrow(/total_size/);
    expect(() =>
      assertConforms('GET', `${identity}/credentials`, 200, { credentials: [{ state: 'active' }], total_size: 1 }),
    ).toThrow(/allowed values/);
  });

  it('rejects a status the operation does not list, and a body where none is defined', () => {
    expect(() => assertConforms('GET', identity, 418, {})).toThrow(/lists no 418/);
    expect(() => assertConforms('DELETE', identity, 200, { deleted: true })).toThrow(/defines no body/);
  });

  it('accepts a conforming body and an Error body', () => {
    expect(() =>
      assertConforms('GET', identity, 404, { code: 'not_found', message: 'identity not found', details: [] }),
    ).not.toThrow();
    expect(() => assertConforms('GET', identity, 404, { message: 'no code' })).toThrow(/code/);
  });
});
