import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids';
import { APP_ORIGIN, createTestCloud, identityBody, type TestCloud } from '../test/harness';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const configsPath = () => `${t.realmPath()}/authenticator-configs`;
const violatedFields = (body: { details: { field_violations: { field: string }[] }[] }) =>
  body.details[0]!.field_violations.map((v) => v.field).sort();

const embedded = (extra: Record<string, unknown> = {}) => ({
  authenticator_config: {
    display_name: 'Shop (embedded)',
    config: { type: 'embedded', invoke_url: 'https://shop.example.com', trusted_origins: ['https://shop.example.com'], ...extra },
  },
});

async function createConfig(body: unknown = embedded()): Promise<{ id: string; [k: string]: unknown }> {
  const created = await t.post(configsPath(), body);
  expect(created.status).toBe(200);
  return created.body;
}

describe('authenticator configs', () => {
  it('creates an embedded config, invocation_type defaulting to automatic', async () => {
    const created = await t.post(configsPath(), embedded());
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      realm_id: t.tenant.realm_id,
      tenant_id: t.tenant.tenant_id,
      display_name: 'Shop (embedded)',
      config: { type: 'embedded', invoke_url: 'https://shop.example.com', trusted_origins: ['https://shop.example.com'], invocation_type: 'automatic' },
    });
    const got = await t.get(`${configsPath()}/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
  });

  it('keeps an explicit manual invocation_type and authentication_methods', async () => {
    const created = await createConfig(embedded({ invocation_type: 'manual', authentication_methods: [{ type: 'software_passkey' }] }));
    expect(created.config).toMatchObject({ invocation_type: 'manual', authentication_methods: [{ type: 'software_passkey' }] });
  });

  it('creates a hosted_web config', async () => {
    const created = await t.post(configsPath(), {
      authenticator_config: {
        config: { type: 'hosted_web', trusted_origins: ['http://localhost:3000'], authentication_methods: [{ type: 'webauthn_passkey' }, { type: 'email_one_time_password' }] },
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.config).toEqual({
      type: 'hosted_web',
      trusted_origins: ['http://localhost:3000'],
      authentication_methods: [{ type: 'webauthn_passkey' }, { type: 'email_one_time_password' }],
    });
    expect(created.body.display_name).toBeUndefined();
  });

  it.each([
    ['a relative invoke_url', { invoke_url: '/bind' }, ['authenticator_config.config.invoke_url']],
    ['a non-http invoke_url', { invoke_url: 'ftp://shop.example.com' }, ['authenticator_config.config.invoke_url']],
    ['a trusted origin with a path', { trusted_origins: ['https://shop.example.com', 'https://shop.example.com/app'] }, ['authenticator_config.config.trusted_origins.1']],
    ['a trusted origin that is not a URL', { trusted_origins: ['shop.example.com'] }, ['authenticator_config.config.trusted_origins.0']],
    ['a trusted origin with a query', { trusted_origins: ['https://shop.example.com?x=1'] }, ['authenticator_config.config.trusted_origins.0']],
    ['an unknown invocation_type', { invocation_type: 'sometimes' }, ['authenticator_config.config.invocation_type']],
  ])('refuses %s with 400 naming the field', async (_what, extra, fields) => {
    const bad = await t.post(configsPath(), embedded(extra));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad_request');
    expect(violatedFields(bad.body)).toEqual(fields);
    expect((await t.get(configsPath())).body.total_size).toBe(1);
  });

  it('refuses an unknown config type with 400', async () => {
    const bad = await t.post(configsPath(), { authenticator_config: { config: { type: 'platform', trusted_origins: [] } } });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['authenticator_config.config.type']);
  });

  it('refuses a hosted_web config without authentication_methods', async () => {
    const bad = await t.post(configsPath(), { authenticator_config: { config: { type: 'hosted_web', trusted_origins: [] } } });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['authenticator_config.config.authentication_methods']);
  });

  it('lists the realm configs, the seeded one first, and pages', async () => {
    const created = await createConfig();
    const list = await t.get(configsPath());
    expect(list.status).toBe(200);
    expect(list.body.total_size).toBe(2);
    expect(list.body.authenticator_configs.map((c: { id: string }) => c.id)).toEqual([t.tenant.app.authenticator_config_id, created.id]);
    expect(list.body.authenticator_configs[1]).toEqual(created);

    const first = await t.get(`${configsPath()}?page_size=1`);
    expect(first.body.authenticator_configs.map((c: { id: string }) => c.id)).toEqual([t.tenant.app.authenticator_config_id]);
    const second = await t.get(`${configsPath()}?page_token=${first.body.next_page_token}`);
    expect(second.body.authenticator_configs.map((c: { id: string }) => c.id)).toEqual([created.id]);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it('updates the display_name alone, keeping the config', async () => {
    const created = await createConfig(embedded({ authentication_methods: [{ type: 'software_passkey' }] }));
    const renamed = await t.patch(`${configsPath()}/${created.id}`, { authenticator_config: { display_name: 'Renamed' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...created, display_name: 'Renamed' });
  });

  it('replaces the config whole on update', async () => {
    const created = await createConfig(embedded({ invocation_type: 'manual', authentication_methods: [{ type: 'software_passkey' }] }));
    const updated = await t.patch(`${configsPath()}/${created.id}`, {
      authenticator_config: { config: { type: 'embedded', invoke_url: 'http://localhost:4000', trusted_origins: ['http://localhost:4000'] } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      ...created,
      config: { type: 'embedded', invoke_url: 'http://localhost:4000', trusted_origins: ['http://localhost:4000'], invocation_type: 'automatic' },
    });
    expect((await t.get(`${configsPath()}/${created.id}`)).body).toEqual(updated.body);

    const bad = await t.patch(`${configsPath()}/${created.id}`, {
      authenticator_config: { config: { type: 'embedded', invoke_url: 'http://localhost:4000', trusted_origins: ['http://localhost:4000/path'] } },
    });
    expect(bad.status).toBe(400);
    expect(violatedFields(bad.body)).toEqual(['authenticator_config.config.trusted_origins.0']);
    expect((await t.get(`${configsPath()}/${created.id}`)).body).toEqual(updated.body);
  });

  it('answers 404 for an unknown config on get, update and delete', async () => {
    const unknown = newId();
    for (const response of [
      await t.get(`${configsPath()}/${unknown}`),
      await t.patch(`${configsPath()}/${unknown}`, { authenticator_config: { display_name: 'x' } }),
      await t.del(`${configsPath()}/${unknown}`),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body.details).toEqual([
        { type: 'ResourceInfo', resource_type: 'AuthenticatorConfig', id: unknown, description: 'authenticator config not found' },
      ]);
    }
  });

  it('refuses to delete a config while an application uses it, then deletes it once unused', async () => {
    // DeleteAuthenticatorConfig lists no 409 in the spec; the body is checked by hand.
    const seeded = t.tenant.app.authenticator_config_id;
    const refused = await t.del(`${configsPath()}/${seeded}`, { conformance: false });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      code: 'conflict',
      message: 'authenticator config is used by an application',
      details: [{ type: 'ResourceInfo', resource_type: 'AuthenticatorConfig', id: seeded, description: 'authenticator config is used by an application' }],
    });
    expect((await t.get(`${configsPath()}/${seeded}`)).status).toBe(200);

    const created = await createConfig();
    const app = await t.post(`${t.realmPath()}/applications`, {
      application: { display_name: 'Uses it', authenticator_config_id: created.id, protocol_config: { type: 'oidc' } },
    });
    expect((await t.del(`${configsPath()}/${created.id}`, { conformance: false })).status).toBe(409);
    expect((await t.del(`${t.realmPath()}/applications/${app.body.id}`)).status).toBe(200);
    const deleted = await t.del(`${configsPath()}/${created.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toBeUndefined();
    expect((await t.get(`${configsPath()}/${created.id}`)).status).toBe(404);
  });

  it('revokes, with the deletion, the pending jobs that use the config; their links then refuse', async () => {
    const created = await createConfig(embedded({ invoke_url: APP_ORIGIN, trusted_origins: [APP_ORIGIN] }));
    const identity = await t.post(`${t.realmPath()}/identities`, identityBody('ann'));
    const jobsPath = `${t.realmPath()}/identities/${identity.body.id}/credential-binding-jobs`;
    const newJob = async (configId: string) => {
      const job = await t.post(jobsPath, { job: { delivery_method: 'RETURN', authenticator_config_id: configId } });
      expect(job.status).toBe(200);
      const link = new URL(job.body.credential_binding_link);
      return { id: job.body.credential_binding_job.id as string, token: link.searchParams.get('token')!, path: link.pathname.replace(/:invokeAuthenticator$/, '') };
    };
    const pending = await newJob(created.id);
    const opened = await newJob(created.id);
    expect((await t.get(`${opened.path}:invokeAuthenticator?token=${opened.token}`, { token: null, headers: { accept: 'text/html' } })).status).toBe(302);
    const alreadyRevoked = await newJob(created.id);
    expect((await t.post(`${jobsPath}/${alreadyRevoked.id}:revoke`, {})).status).toBe(200);
    const otherConfig = await newJob(t.tenant.app.authenticator_config_id);

    expect((await t.del(`${configsPath()}/${created.id}`)).status).toBe(200);
    const stateOf = async (id: string) => (await t.get(`${jobsPath}/${id}`)).body.state;
    expect(await stateOf(pending.id)).toBe('REVOKED');
    expect(await stateOf(opened.id)).toBe('REVOKED');
    expect(await stateOf(alreadyRevoked.id)).toBe('REVOKED');
    expect(await stateOf(otherConfig.id)).toBe('LINK_SENT');
    const reason = (id: string) => t.db.prepare('SELECT state_reason FROM binding_jobs WHERE id = ?').pluck().get(id);
    expect(reason(pending.id)).toMatch(new RegExp(`^revoked by token:\\w+: authenticator config ${created.id} was deleted$`));
    expect(reason(alreadyRevoked.id)).not.toMatch(/authenticator config/);

    // One event per job it revoked, besides the deletion's own.
    const events = t.cloud.deps.repos.audit.list(t.tenant.tenant_id, { limit: 3 });
    expect(events.map((e) => [e.action, e.resource_id])).toEqual(expect.arrayContaining([
      ['credential_binding_job.revoke', pending.id],
      ['credential_binding_job.revoke', opened.id],
      ['authenticator_config.delete', created.id],
    ]));
    expect(events.find((e) => e.resource_id === pending.id)).toMatchObject({ identity_id: identity.body.id, detail: { reason: 'authenticator config deleted', authenticator_config_id: created.id } });

    // The links say revoked, and :getInfo never hands the SDK a null config.
    const auth = (token: string) => ({ token: null, headers: { authorization: `Bearer ${token}` } });
    const info = await t.post(`${pending.path}:getInfo`, undefined, auth(pending.token));
    expect(info.status).toBe(403);
    expect(info.body.message).toBe('credential binding link has been revoked');
    expect((await t.post(`${otherConfig.path}:getInfo`, undefined, auth(otherConfig.token))).status).toBe(200);
  });
});
