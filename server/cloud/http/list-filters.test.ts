import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids';
import { assertConforms } from '../test/conformance';
import { createTestCloud, identityBody, type TestCloud } from '../test/harness';
import { parseFilter } from './filter';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const withQuery = (path: string, query: Record<string, string>) => `${path}?${new URLSearchParams(query)}`;
const violatedFields = (body: { details: { field_violations: { field: string }[] }[] }) =>
  body.details[0]!.field_violations.map((v) => v.field);

describe('parseFilter', () => {
  const allowed = ['traits.username', 'status'];

  it.each([
    ['traits.username eq "Ann"'],
    ['TRAITS.USERNAME eq "Ann"'],
    ['Traits.UserName EQ "Ann"'],
    ['traits.username Eq "Ann"'],
  ])('reads attribute names and operators in any case (RFC 7644 §3.4.2.2): %s', (filter) => {
    // The attribute comes back as `allowed` spells it; the value keeps its case.
    expect(parseFilter(filter, allowed)).toEqual([{ attribute: 'traits.username', value: 'Ann' }]);
  });

  it('reads the and operator in any case', () => {
    expect(parseFilter('STATUS eq "active" AND traits.username eq "a"', allowed)).toEqual([
      { attribute: 'status', value: 'active' },
      { attribute: 'traits.username', value: 'a' },
    ]);
    expect(parseFilter('traits.username eq "a" aNd status eq "x"', allowed)).toHaveLength(2);
  });

  it('names each attribute at most once, in whatever case (each list of terms is a prepared statement of its own)', () => {
    expect(() => parseFilter('status eq "a" and STATUS eq "b"', allowed)).toThrow(
      expect.objectContaining({ status: 400, details: [expect.objectContaining({ field_violations: [{ field: 'filter', description: 'name "status" at most once' }] })] }),
    );
  });

  it.each([
    ['an unknown attribute', 'display_name eq "x"'],
    ['an attribute that only shares a prefix', 'traits.user eq "x"'],
    ['another operator', 'status ne "x"'],
    ['an unquoted value', 'status eq x'],
    ['or', 'status eq "a" or status eq "b"'],
    ['a dangling and', 'status eq "a" and'],
  ])('refuses %s with 400 naming filter', (_what, filter) => {
    expect(() => parseFilter(filter, allowed)).toThrow(expect.objectContaining({ status: 400, details: [expect.objectContaining({ field_violations: [expect.objectContaining({ field: 'filter' })] })] }));
  });

  it('refuses every non-empty filter when no attribute is allowed', () => {
    expect(parseFilter('', [])).toEqual([]);
    expect(() => parseFilter('id eq "x"', [])).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('filter attribute names and operators ignore case on the API', () => {
  beforeEach(async () => {
    expect((await t.post(`${t.realmPath()}/identities`, identityBody('Alice', { email: 'alice@example.com' }))).status).toBe(200);
    expect((await t.post(`${t.realmPath()}/identities`, identityBody('bob'))).status).toBe(200);
  });

  it.each([
    ['USERNAME EQ "alice"'],
    ['Traits.Username eq "alice"'],
    ['traits.username eq "alice" AND TRAITS.PRIMARY_EMAIL_ADDRESS Eq "alice@example.com"'],
    ['Status eq "active" and UserName eq "alice"'],
  ])('ListIdentities with %s', async (filter) => {
    const list = await t.get(withQuery(`${t.realmPath()}/identities`, { filter }));
    expect(list.status).toBe(200);
    expect(list.body.identities.map((i: { traits: { username: string } }) => i.traits.username)).toEqual(['Alice']);
  });

  it('ListCredentialBindingJobs with STATE and Delivery_Method', async () => {
    const id = (await t.get(withQuery(`${t.realmPath()}/identities`, { filter: 'username eq "bob"' }))).body.identities[0].id as string;
    const created = await t.post(`${t.realmPath()}/identities/${id}/credential-binding-jobs`, {
      job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id },
    });
    expect(created.status).toBe(200);
    const list = await t.get(withQuery(`${t.realmPath()}/identities/-/credential-binding-jobs`, { filter: 'STATE eq "LINK_SENT" And Delivery_Method EQ "RETURN"' }));
    expect(list.status).toBe(200);
    expect(list.body.total_size).toBe(1);
  });
});

/**
 * The lists whose spec documents no `filter`. Each must refuse one, not answer
 * the whole list as if it matched. `inSpec400` is false where the spec lists
 * no 400 response for the operation (so the shape is checked here instead).
 */
const UNFILTERED: { name: string; path: () => Promise<string> | string; inSpec400: boolean }[] = [
  { name: 'ListRealms', path: () => `/v1/tenants/${t.tenant.tenant_id}/realms`, inSpec400: true },
  { name: 'ListCredentials', path: () => `${t.realmPath()}/identities/-/credentials`, inSpec400: true },
  { name: 'ListApplications', path: () => `${t.realmPath()}/applications`, inSpec400: true },
  { name: 'ListTokens', path: () => `${t.realmPath()}/applications/${t.tenant.management.application_id}/tokens`, inSpec400: false },
  {
    name: 'ListBatchCredentialBindingJobResults',
    inSpec400: false,
    path: async () => {
      const identity = await t.post(`${t.realmPath()}/identities`, identityBody('batch'));
      const batch = await t.post(`${t.realmPath()}/batch-credential-binding-jobs`, {
        batch_credential_binding_job: { identity_ids: [identity.body.id], job_template: { authenticator_config_id: t.tenant.app.authenticator_config_id } },
      });
      expect(batch.status).toBe(200);
      return `${t.realmPath()}/batch-credential-binding-jobs/${batch.body.id}:listResults`;
    },
  },
];

describe('lists that take no filter', () => {
  it.each(UNFILTERED)('$name refuses a filter with 400 naming filter', async ({ path, inSpec400 }) => {
    const base = await path();
    expect((await t.get(base)).status).toBe(200);
    for (const filter of ['id eq "x"', 'display_name eq "x"', 'nonsense']) {
      // Regression: the filter was read and then ignored, answering every row.
      const refused = await t.get(withQuery(base, { filter }), { conformance: inSpec400 });
      expect(refused.status, filter).toBe(400);
      expect(refused.body.code).toBe('bad_request');
      expect(violatedFields(refused.body)).toEqual(['filter']);
      // Where the operation lists no 400, hold the body to the 400 of a list that does.
      if (!inSpec400) assertConforms('GET', `/v1/tenants/${t.tenant.tenant_id}/realms`, 400, refused.body);
    }
  });

  it.each(UNFILTERED)('$name treats an empty or blank filter as none', async ({ path, inSpec400 }) => {
    const base = await path();
    const all = await t.get(base);
    for (const filter of ['', '  ']) {
      const list = await t.get(withQuery(base, { filter }), { conformance: inSpec400 });
      expect(list.status).toBe(200);
      expect(list.body).toEqual(all.body);
    }
  });
});

describe('ListAuthenticatorConfigs filter', () => {
  const path = () => `${t.realmPath()}/authenticator-configs`;
  let embedded: string;
  let hosted: string;

  beforeEach(() => {
    const now = new Date();
    embedded = newId();
    hosted = newId();
    const configs = t.cloud.deps.repos.authenticatorConfigs;
    configs.insert(
      {
        id: embedded, tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, display_name: 'Pets',
        config: { type: 'embedded', invoke_url: 'http://localhost:3000', trusted_origins: ['http://localhost:3000'], invocation_type: 'automatic' },
      },
      now,
    );
    configs.insert(
      {
        id: hosted, tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, display_name: 'Pets',
        config: { type: 'hosted_web', trusted_origins: ['http://localhost:3000'], authentication_methods: [{ type: 'webauthn_passkey' }] },
      },
      now,
    );
  });

  const ids = async (filter: string) => {
    const list = await t.get(withQuery(path(), { filter }));
    expect(list.status, filter).toBe(200);
    expect(list.body.total_size).toBe(list.body.authenticator_configs.length);
    return list.body.authenticator_configs.map((c: { id: string }) => c.id) as string[];
  };

  it('filters by id, display_name and config.type, in any case of attribute and operator', async () => {
    expect(await ids(`id eq "${embedded}"`)).toEqual([embedded]);
    expect(await ids(`ID EQ "${hosted}"`)).toEqual([hosted]);
    expect(await ids('display_name eq "Pets"')).toEqual([embedded, hosted]);
    expect(await ids('Display_Name eq "pets"')).toEqual([]);
    expect(await ids('config.type eq "hosted_web"')).toEqual([hosted]);
    expect(await ids('Config.Type eq "embedded" AND display_name eq "Pets"')).toEqual([embedded]);
    expect(await ids(`config.type eq "embedded" and id eq "${hosted}"`)).toEqual([]);
    expect(await ids('id eq "nope"')).toEqual([]);
    // The seeded config, and both of ours, without a filter.
    expect((await ids('')).length).toBe(3);
  });

  it('keeps the filter in the page token', async () => {
    const first = await t.get(withQuery(path(), { filter: 'display_name eq "Pets"', page_size: '1' }));
    expect(first.body.authenticator_configs.map((c: { id: string }) => c.id)).toEqual([embedded]);
    expect(first.body.total_size).toBe(2);
    const second = await t.get(withQuery(path(), { page_token: first.body.next_page_token }));
    expect(second.body.authenticator_configs.map((c: { id: string }) => c.id)).toEqual([hosted]);
    expect(second.body.next_page_token).toBeUndefined();
    const changed = await t.get(withQuery(path(), { filter: 'config.type eq "embedded"', page_token: first.body.next_page_token }));
    expect(changed.status).toBe(400);
    expect(violatedFields(changed.body)).toEqual(['filter']);
  });

  it.each([
    ['an attribute it does not take', 'invoke_url eq "http://localhost:3000"'],
    ['a config type that does not exist', 'config.type eq "platform"'],
    ['another operator', 'display_name co "Pe"'],
    ['or', 'id eq "a" or id eq "b"'],
  ])('refuses %s with 400 naming filter', async (_what, filter) => {
    const refused = await t.get(withQuery(path(), { filter }));
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('bad_request');
    expect(violatedFields(refused.body)).toEqual(['filter']);
  });
});
