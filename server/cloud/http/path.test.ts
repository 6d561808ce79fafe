import { describe, expect, it } from 'vitest';
import { createTestCloud, identityBody } from '../test/harness';
import { routingPath } from './path';

describe('routingPath', () => {
  // RFC 3986 §2.1: the hex digits of a percent-encoding are case-insensitive, so `%3a` is `:` too.
  it.each([':', '%3A', '%3a'])('rewrites a trailing x%sverb segment to x/@verb, without the query', (colon) => {
    expect(routingPath(`http://localhost:8787/v1/tenants/t/realms/r/identities${colon}batchDelete?x=1`)).toBe('/v1/tenants/t/realms/r/identities/@batchDelete');
  });

  it('leaves a path without a custom method as it is', () => {
    expect(routingPath('http://localhost:8787/v1/tenants/t/realms/r/identities?filter=a:b')).toBe('/v1/tenants/t/realms/r/identities');
    expect(routingPath('http://localhost:8787/v1/a%3Ab/identities')).toBe('/v1/a%3Ab/identities');
    // A segment that starts with the colon names no resource: not a custom method.
    expect(routingPath('http://localhost:8787/v1/%3arevoke')).toBe('/v1/%3arevoke');
    expect(routingPath('http://localhost:8787')).toBe('/');
  });

  it('routes a custom method whose colon is encoded in lower case', async () => {
    const t = createTestCloud();
    const identity = await t.post(`${t.realmPath()}/identities`, identityBody('ann'));
    const jobs = `${t.realmPath()}/identities/${identity.body.id}/credential-binding-jobs`;
    const job = await t.post(jobs, { job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id } });
    const revoked = await t.post(`${jobs}/${job.body.credential_binding_job.id}%3arevoke`, {}, { conformance: false });
    expect(revoked.status).toBe(200);
    expect(revoked.body.state).toBe('REVOKED');
  });
});
