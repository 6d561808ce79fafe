import { beforeEach, describe, expect, it } from 'vitest';
import { assertConforms } from '../test/conformance';
import { createTestCloud, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const tokensPath = (query = '') => `${t.realmPath()}/applications/${t.tenant.management.application_id}/tokens${query}`;

describe('ListTokens principal_type', () => {
  it('accepts the values the spec lists, application and identity', async () => {
    const all = await t.get(tokensPath());
    expect(all.body.total_size).toBe(1);
    // Regression: only `Application` and `Identity` were accepted, so the spec's own values were a 400.
    const applications = await t.get(tokensPath('?principal_type=application'));
    expect(applications.status).toBe(200);
    expect(applications.body).toEqual(all.body);
    const identities = await t.get(tokensPath('?principal_type=identity'));
    expect(identities.status).toBe(200);
    expect(identities.body).toEqual({ tokens: [], total_size: 0 });
  });

  it('narrows by principal_type and principal_id together', async () => {
    const app = t.tenant.management.application_id;
    const mine = await t.get(tokensPath(`?principal_type=application&principal_id=${app}`));
    expect(mine.body.total_size).toBe(1);
    const other = await t.get(tokensPath('?principal_type=application&principal_id=0123456789abcdef'));
    expect(other.body.total_size).toBe(0);
  });

  it('reads an empty principal_type as none', async () => {
    const list = await t.get(tokensPath('?principal_type='));
    expect(list.status).toBe(200);
    expect(list.body.total_size).toBe(1);
  });

  it.each(['APPLICATION', 'Application', 'user', 'applications'])('refuses %s with 400 naming principal_type', async (value) => {
    // The spec lists no 400 for ListTokens; the body is held to the Error of a list that does.
    const refused = await t.get(tokensPath(`?principal_type=${value}`), { conformance: false });
    expect(refused.status).toBe(400);
    expect(refused.body.details[0].field_violations).toEqual([{ field: 'principal_type', description: 'must be application or identity' }]);
    assertConforms('GET', `/v1/tenants/${t.tenant.tenant_id}/realms`, 400, refused.body);
  });
});
