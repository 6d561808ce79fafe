import { beforeEach, describe, expect, it } from 'vitest';
import { createTestCloud, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const realmsPath = () => `/v1/tenants/${t.tenant.tenant_id}/realms`;

describe('DeleteRealm and batch jobs', () => {
  it('refuses a realm that holds only a batch job with 409 "realm has children", not 500', async () => {
    const realmId = (await t.post(realmsPath(), { realm: { display_name: 'Batched' } })).body.id as string;
    // A batch job outlives the identities it named (binding jobs go with their
    // identity; the batch row stays), so a realm can hold nothing else.
    const time = new Date().toISOString();
    t.cloud.deps.repos.batchJobs.insert({
      id: '0123456789abcdef', tenant_id: t.tenant.tenant_id, realm_id: realmId, identity_ids: ['fedcba9876543210'], state: 'SUCCESS',
      state_commentary: { errors: {} }, job_template: { authenticator_config_id: t.tenant.app.authenticator_config_id }, create_time: time, update_time: time,
    });

    // Regression: the batch_jobs foreign key failed the DELETE, a 500.
    const refused = await t.del(`${realmsPath()}/${realmId}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      code: 'conflict',
      message: 'realm has children',
      details: [{ type: 'ResourceInfo', resource_type: 'Realm', id: realmId, description: 'realm has children' }],
    });
    expect((await t.get(`${realmsPath()}/${realmId}`)).status).toBe(200);

    t.db.prepare('DELETE FROM batch_jobs WHERE realm_id = ?').run(realmId);
    expect((await t.del(`${realmsPath()}/${realmId}`)).status).toBe(200);
  });

  it('deletes a realm whose only trace of an authenticator config is its deletion, and the record with it', async () => {
    const realmId = (await t.post(realmsPath(), { realm: { display_name: 'Emptied' } })).body.id as string;
    // Realm-level operations need a token of that realm: the repository does what DeleteAuthenticatorConfig does.
    const { authenticatorConfigs } = t.cloud.deps.repos;
    const config = { id: '00112233445566ff', tenant_id: t.tenant.tenant_id, realm_id: realmId, config: { type: 'hosted_web' as const, trusted_origins: ['http://localhost:5173'], authentication_methods: [] } };
    authenticatorConfigs.insert(config, new Date());
    t.cloud.deps.db.transaction(() => authenticatorConfigs.remove(config, new Date()))();
    const kept = () => t.db.prepare('SELECT count(*) FROM deleted_authenticator_configs WHERE realm_id = ?').pluck().get(realmId);
    expect(kept()).toBe(1);

    expect((await t.del(`${realmsPath()}/${realmId}`)).status).toBe(200);
    expect(kept()).toBe(0);
  });
});
