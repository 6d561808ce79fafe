import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { hashSecret, newId, newSecret } from '../../lib/ids';
import { MANAGEMENT_SCOPES } from '../auth/scopes';
import { createTestCloud, identityBody, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const ROWS = 33;
const time = () => new Date().toISOString();

/** Inserts `n` identities straight into the repository; answers their ids. */
function insertIdentities(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const id = newId();
    t.cloud.deps.repos.identities.insert({
      id, tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, display_name: `Bulk ${i}`, status: 'active',
      traits: { type: 'traits_v0', username: `bulk${i}`, primary_email_address: `bulk${i}@example.com` }, create_time: time(), update_time: time(),
    });
    return id;
  });
}

/**
 * Every list operation, with a way to give it `ROWS` more rows. The spec says
 * the same of each one's paging: "The skip is not maintained by the page token
 * and must be specified on each subsequent request."
 */
const LISTS: { name: string; key: string; path: () => string; seed: () => Promise<void> | void; listed?: boolean }[] = [
  { name: 'ListIdentities', key: 'identities', path: () => `${t.realmPath()}/identities`, seed: () => void insertIdentities(ROWS) },
  {
    name: 'ListRealms',
    key: 'realms',
    path: () => `/v1/tenants/${t.tenant.tenant_id}/realms`,
    seed: () => {
      for (let i = 0; i < ROWS; i++) {
        t.cloud.deps.repos.realms.insert({ id: newId(), tenant_id: t.tenant.tenant_id, display_name: `Realm ${i}`, create_time: time(), update_time: time() });
      }
    },
  },
  {
    name: 'ListCredentials',
    key: 'credentials',
    path: () => `${t.realmPath()}/identities/-/credentials`,
    seed: () => {
      const [identityId] = insertIdentities(1);
      const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      for (let i = 0; i < ROWS; i++) {
        t.cloud.deps.repos.credentials.insert({
          id: newId(), identity_id: identityId!, realm_id: t.tenant.realm_id, tenant_id: t.tenant.tenant_id, state: 'ACTIVE', csr_type: 'JWT',
          jwk_json: JSON.stringify(jwk), jwk_thumbprint: `thumbprint-${i}`, create_time: time(), update_time: time(),
        });
      }
    },
  },
  {
    name: 'ListCredentialBindingJobs',
    key: 'credential_binding_jobs',
    path: () => `${t.realmPath()}/identities/-/credential-binding-jobs`,
    seed: async () => {
      const [identityId] = insertIdentities(1);
      for (let i = 0; i < ROWS; i++) {
        const created = await t.post(`${t.realmPath()}/identities/${identityId}/credential-binding-jobs`, {
          job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id },
        });
        expect(created.status).toBe(200);
      }
    },
  },
  {
    name: 'ListBatchCredentialBindingJobResults',
    key: 'job_results',
    path: () => `${t.realmPath()}/batch-credential-binding-jobs/${batchId}:listResults`,
    seed: async () => {
      const created = await t.post(`${t.realmPath()}/batch-credential-binding-jobs`, {
        batch_credential_binding_job: { identity_ids: insertIdentities(ROWS), job_template: { authenticator_config_id: t.tenant.app.authenticator_config_id } },
      });
      expect(created.status).toBe(200);
      batchId = created.body.id as string;
    },
  },
  {
    name: 'ListAuthenticatorConfigs',
    key: 'authenticator_configs',
    path: () => `${t.realmPath()}/authenticator-configs`,
    seed: () => {
      for (let i = 0; i < ROWS; i++) {
        t.cloud.deps.repos.authenticatorConfigs.insert(
          {
            id: newId(), tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, display_name: `Config ${i}`,
            config: { type: 'embedded', invoke_url: 'http://localhost:3000', trusted_origins: ['http://localhost:3000'], invocation_type: 'automatic' },
          },
          new Date(),
        );
      }
    },
  },
  {
    name: 'ListApplications',
    key: 'applications',
    path: () => `${t.realmPath()}/applications`,
    seed: () => {
      for (let i = 0; i < ROWS; i++) {
        t.cloud.deps.repos.applications.insert(
          {
            id: newId(), tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, display_name: `App ${i}`, is_managed: false, resource_server_id: newId(),
            protocol_config: { type: 'oauth2', allowed_scopes: [...MANAGEMENT_SCOPES], client_id: newSecret(18), grant_type: ['client_credentials'] },
            client_secret_hash: hashSecret(newSecret(36)),
          },
          new Date(),
        );
      }
    },
  },
  {
    name: 'ListTokens',
    key: 'tokens',
    path: () => `${t.realmPath()}/applications/${t.tenant.management.application_id}/tokens`,
    seed: () => {
      for (let i = 0; i < ROWS; i++) {
        t.cloud.deps.repos.tokens.issue({
          tenantId: t.tenant.tenant_id, realmId: t.tenant.realm_id, applicationId: t.tenant.management.application_id,
          scopes: ['identities:read'], lifetimeSeconds: 3600, now: new Date(),
        });
      }
    },
  },
];
let batchId = '';

const withQuery = (path: string, query: Record<string, string>) => `${path}?${new URLSearchParams(query)}`;
const idsOf = (body: Record<string, { id: string }[]>, key: string) => body[key]!.map((row) => row.id);

/** Every id of the list, in its order, read in one page. */
async function everyId(path: string, key: string): Promise<string[]> {
  const all = await t.get(withQuery(path, { page_size: '100' }));
  expect(all.status).toBe(200);
  expect(all.body.next_page_token).toBeUndefined();
  return idsOf(all.body, key);
}

describe('skip with page tokens', () => {
  it.each(LISTS)('$name: repeating skip on each page, as the spec says to, yields every row after the first skip exactly once', async (list) => {
    await list.seed();
    const all = await everyId(list.path(), list.key);
    expect(all.length).toBeGreaterThanOrEqual(ROWS);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.get(withQuery(list.path(), { skip: '5', page_size: '10', ...(token ? { page_token: token } : {}) }));
      expect(page.status).toBe(200);
      expect(page.body.total_size).toBe(all.length);
      seen.push(...idsOf(page.body, list.key));
      token = page.body.next_page_token;
      pages++;
    } while (token && pages < 10);

    // Regression: skip was applied again after the token's position, so 33
    // identities with skip=5&page_size=10 came back as 20 rows.
    expect(seen).toEqual(all.slice(5));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('reads the same pages whether or not the client repeats skip', async () => {
    insertIdentities(ROWS);
    const path = `${t.realmPath()}/identities`;
    const first = await t.get(withQuery(path, { skip: '5', page_size: '10' }));
    const repeated = await t.get(withQuery(path, { skip: '5', page_token: first.body.next_page_token }));
    const dropped = await t.get(withQuery(path, { page_token: first.body.next_page_token }));
    expect(idsOf(repeated.body, 'identities')).toHaveLength(10);
    expect(repeated.body).toEqual(dropped.body);
    const all = await everyId(path, 'identities');
    expect(idsOf(first.body, 'identities')).toEqual(all.slice(5, 15));
    expect(idsOf(repeated.body, 'identities')).toEqual(all.slice(15, 25));
  });

  it('still refuses a malformed skip next to a page token with 400 naming skip', async () => {
    insertIdentities(ROWS);
    const path = `${t.realmPath()}/identities`;
    const first = await t.get(withQuery(path, { page_size: '10' }));
    const bad = await t.get(withQuery(path, { skip: '-1', page_token: first.body.next_page_token }));
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field_violations.map((v: { field: string }) => v.field)).toEqual(['skip']);
  });
});

describe('the filter kept by the page token', () => {
  const path = () => `${t.realmPath()}/identities`;
  const usernames = (body: { identities: { traits: { username: string } }[] }) => body.identities.map((i) => i.traits.username);

  beforeEach(async () => {
    for (const name of ['ann', 'bob', 'cid']) {
      expect((await t.post(path(), identityBody(name, { email: 'shared@example.com' }))).status).toBe(200);
    }
    expect((await t.post(path(), identityBody('dan'))).status).toBe(200);
  });

  it.each([
    ['no filter', {}],
    ['an empty filter', { filter: '' }],
    ['a blank filter', { filter: '   ' }],
    ['the same filter', { filter: 'traits.primary_email_address eq "shared@example.com"' }],
    // RFC 7644: attribute names and operators are case-insensitive; spacing is not part of a filter.
    ['the same filter spelled otherwise', { filter: '  Traits.Primary_Email_Address   EQ  "shared@example.com" ' }],
  ])('with %s, a page token goes on with its own filter', async (_what, query: Record<string, string>) => {
    const filter = 'traits.primary_email_address eq "shared@example.com"';
    const first = await t.get(withQuery(path(), { filter, page_size: '2' }));
    expect(usernames(first.body)).toEqual(['ann', 'bob']);
    const next = await t.get(withQuery(path(), { ...query, page_token: first.body.next_page_token }));
    expect(next.status).toBe(200);
    // Regression: without a filter the request was a 400 (its '' did not match the token's filter).
    expect(usernames(next.body)).toEqual(['cid']);
    expect(next.body.total_size).toBe(3);
    expect(next.body.next_page_token).toBeUndefined();
  });

  it('keeps the filter in the tokens of later pages too', async () => {
    const filter = 'traits.primary_email_address eq "shared@example.com"';
    const first = await t.get(withQuery(path(), { filter, page_size: '1' }));
    const second = await t.get(withQuery(path(), { page_token: first.body.next_page_token }));
    const third = await t.get(withQuery(path(), { page_token: second.body.next_page_token }));
    expect([...usernames(first.body), ...usernames(second.body), ...usernames(third.body)]).toEqual(['ann', 'bob', 'cid']);
    expect(third.body.next_page_token).toBeUndefined();
  });

  it('takes a token whose first page spelled the filter otherwise, and keeps comparing values with their case', async () => {
    const first = await t.get(withQuery(path(), { filter: 'TRAITS.primary_email_address Eq "shared@example.com"', page_size: '1' }));
    expect(usernames(first.body)).toEqual(['ann']);
    const same = await t.get(withQuery(path(), { filter: 'traits.primary_email_address eq "shared@example.com"', page_token: first.body.next_page_token }));
    expect(usernames(same.body)).toEqual(['bob']);
    const otherValue = await t.get(withQuery(path(), { filter: 'traits.primary_email_address eq "SHARED@example.com"', page_token: first.body.next_page_token }));
    expect(otherValue.status).toBe(400);
  });

  it('keeps an escaped quote in a filter value through the page token', async () => {
    expect((await t.post(path(), identityBody('q1', { email: 'a"b@example.com' }))).status).toBe(200);
    expect((await t.post(path(), identityBody('q2', { email: 'a"b@example.com' }))).status).toBe(200);
    const filter = 'traits.primary_email_address eq "a\\"b@example.com"';
    const first = await t.get(withQuery(path(), { filter, page_size: '1' }));
    expect(usernames(first.body)).toEqual(['q1']);
    const next = await t.get(withQuery(path(), { filter, page_token: first.body.next_page_token }));
    expect(next.status).toBe(200);
    expect(usernames(next.body)).toEqual(['q2']);
  });

  it('refuses a different filter with 400 naming filter', async () => {
    const first = await t.get(withQuery(path(), { filter: 'traits.primary_email_address eq "shared@example.com"', page_size: '1' }));
    const changed = await t.get(withQuery(path(), { filter: 'username eq "dan"', page_token: first.body.next_page_token }));
    expect(changed.status).toBe(400);
    expect(changed.body).toEqual({
      code: 'bad_request',
      message: 'invalid parameters',
      details: [{ type: 'FieldViolations', field_violations: [{ field: 'filter', description: 'must match the filter of the page token' }] }],
    });
  });
});
