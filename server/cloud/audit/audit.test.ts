import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../lib/ids';
import { MANAGEMENT_SCOPES } from '../auth/scopes';
import { createTestCloud, identityBody, type TestCloud } from '../test/harness';

let t: TestCloud;
let actor: string;
beforeEach(() => {
  t = createTestCloud();
  actor = `token:${t.cloud.deps.repos.tokens.findByToken(t.tenant.management.api_token)!.id}`;
});

const events = () => t.cloud.deps.repos.audit.list(t.tenant.tenant_id, { limit: 1000 });

function only(action: string) {
  const matching = events().filter((e) => e.action === action);
  expect(matching, action).toHaveLength(1);
  return matching[0]!;
}

describe('audit log', () => {
  it('records one event per change, naming the resource, the identity and the token that made it', async () => {
    const realm = t.realmPath();
    const identityId = (await t.post(`${realm}/identities`, identityBody('ann'))).body.id as string;
    expect((await t.patch(`${realm}/identities/${identityId}`, { identity: { display_name: 'Ann B' } })).status).toBe(200);
    const jobs = `${realm}/identities/${identityId}/credential-binding-jobs`;
    const job = await t.post(jobs, { job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id } });
    const jobId = job.body.credential_binding_job.id as string;
    expect((await t.post(`${jobs}/${jobId}:revoke`)).status).toBe(200);

    const credentialId = newId();
    const time = new Date().toISOString();
    t.cloud.deps.repos.credentials.insert({
      id: credentialId, identity_id: identityId, realm_id: t.tenant.realm_id, tenant_id: t.tenant.tenant_id, state: 'ACTIVE',
      csr_type: 'JWT', jwk_json: '{}', jwk_thumbprint: 'thumb', create_time: time, update_time: time,
    });
    expect((await t.post(`${realm}/identities/${identityId}/credentials/${credentialId}:revoke`)).status).toBe(200);

    const app = await t.post(`${realm}/applications`, { application: { display_name: 'Shop', protocol_config: { type: 'oidc' } } });
    expect(app.status).toBe(200);
    const appId = app.body.id as string;
    expect((await t.patch(`${realm}/applications/${appId}`, { application: { display_name: 'Shop 2' } })).status).toBe(200);
    expect((await t.del(`${realm}/applications/${appId}`)).status).toBe(200);

    const config = await t.post(`${realm}/authenticator-configs`, {
      authenticator_config: { config: { type: 'embedded', invoke_url: 'https://app.example', trusted_origins: [] } },
    });
    expect(config.status).toBe(200);

    const minted = await t.tokenWith(['identities:read']);
    const mintedId = t.cloud.deps.repos.tokens.findByToken(minted)!.id;
    expect((await t.del(`${realm}/applications/${t.tenant.management.application_id}/tokens/${mintedId}`)).status).toBe(200);

    const expected: [string, string, string, string | null][] = [
      ['identity.create', 'Identity', identityId, identityId],
      ['identity.update', 'Identity', identityId, identityId],
      ['credential_binding_job.create', 'CredentialBindingJob', jobId, identityId],
      ['credential_binding_job.revoke', 'CredentialBindingJob', jobId, identityId],
      ['credential.revoke', 'Credential', credentialId, identityId],
      ['application.create', 'Application', appId, null],
      ['application.update', 'Application', appId, null],
      ['application.delete', 'Application', appId, null],
      ['authenticator_config.create', 'AuthenticatorConfig', config.body.id as string, null],
      ['token.revoke', 'Token', mintedId, null],
    ];
    for (const [action, resourceType, resourceId, identity] of expected) {
      expect(only(action), action).toMatchObject({
        tenant_id: t.tenant.tenant_id,
        realm_id: t.tenant.realm_id,
        actor,
        action,
        resource_type: resourceType,
        resource_id: resourceId,
        identity_id: identity,
      });
    }
    // The identity filter finds exactly the five events about Ann.
    expect(t.cloud.deps.repos.audit.list(t.tenant.tenant_id, { identityId }).map((e) => e.action)).toEqual(
      expected.filter(([, , , identity]) => identity === identityId).map(([action]) => action).reverse(),
    );

    // No event holds a secret: not the binding token, an API token, nor a client secret.
    const bindingToken = new URL(job.body.credential_binding_link as string).searchParams.get('token')!;
    const secrets = [bindingToken, minted, t.tenant.management.api_token, t.tenant.management.client_secret, t.tenant.app.client_secret, app.body.protocol_config.client_secret as string];
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 32)).toBe(true);
    const serialized = JSON.stringify(t.db.prepare('SELECT * FROM audit_events').all());
    for (const secret of secrets) expect(serialized).not.toContain(secret);
  });

  it('writes no event for a refused change', async () => {
    const realm = t.realmPath();
    const ann = (await t.post(`${realm}/identities`, identityBody('ann', { email: null }))).body.id as string;
    const bob = (await t.post(`${realm}/identities`, identityBody('bob'))).body.id as string;
    const before = events();

    expect((await t.post(`${realm}/identities`, identityBody('ANN'))).status).toBe(409);
    expect((await t.patch(`${realm}/identities/${bob}`, { identity: { traits: { username: 'ann' } } })).status).toBe(409);
    const config = t.tenant.app.authenticator_config_id;
    const email = await t.post(`${realm}/identities/${ann}/credential-binding-jobs`, { job: { delivery_method: 'EMAIL', authenticator_config_id: config } });
    expect(email.status).toBe(422);
    const batch = await t.post(
      `${realm}/batch-credential-binding-jobs`,
      { batch_credential_binding_job: { identity_ids: [bob], job_template: { authenticator_config_id: '0123456789abcdef' } } },
      { conformance: false }, // the spec lists no 404 for CreateBatchCredentialBindingJob
    );
    expect(batch.status).toBe(404);

    expect(events()).toEqual(before);
    expect((await t.get(`${realm}/identities/${bob}`)).body.traits.username).toBe('bob');
  });

  it('rolls back the events of a change that fails after writing them', async () => {
    const bob = (await t.post(`${t.realmPath()}/identities`, identityBody('bob'))).body.id as string;
    const before = events();
    // The batch writes its jobs and their events, then fails at its last step.
    t.cloud.deps.repos.batchJobs.finish = () => {
      throw new Error('disk full');
    };
    const res = await t.post(`${t.realmPath()}/batch-credential-binding-jobs`, {
      batch_credential_binding_job: { identity_ids: [bob], job_template: { authenticator_config_id: t.tenant.app.authenticator_config_id } },
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ code: 'internal_server_error', message: 'internal server error' });
    expect(events()).toEqual(before);
    expect(t.db.prepare('SELECT (SELECT count(*) FROM binding_jobs) + (SELECT count(*) FROM batch_jobs)').pluck().get()).toBe(0);
  });

  it('records who minted a token without its value', async () => {
    const token = await t.tokenWith(MANAGEMENT_SCOPES);
    const issued = events().filter((e) => e.action === 'token.issue');
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      actor: `application:${t.tenant.management.application_id}`,
      resource_type: 'Token',
      resource_id: t.cloud.deps.repos.tokens.findByToken(token)!.id,
    });
    expect(JSON.stringify(issued)).not.toContain(token);
  });
});
