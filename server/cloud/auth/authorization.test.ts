import { describe, expect, it } from 'vitest';
import { managementOperations } from '../operations';
import { createTestCloud, identityBody, type RequestOptions, type TestCloud } from '../test/harness';
import { MANAGEMENT_SCOPES } from './scopes';

const UNAUTHORIZED = { code: 'unauthorized', message: 'unauthorized' };
const FORBIDDEN = { code: 'forbidden', message: 'forbidden' };
/** Auth is checked before any lookup, so any well-formed id will do for a resource. */
const SOME_ID = '0123456789abcdef';

const NO_400_IN_SPEC = new Set(['BatchDeleteIdentities', 'CreateBatchCredentialBindingJob']);

/** The operation's Hono path made concrete for the seeded tenant: `/@verb` back to `:verb`. */
function concretePath(t: TestCloud, path: string): string {
  return path
    .replace(':tenant_id', t.tenant.tenant_id)
    .replace(':realm_id', t.tenant.realm_id)
    .replace(/:[a-z_]+_id/g, SOME_ID)
    .replace('/@', ':');
}

/** The id of a token, found through ListTokens by its suffix (as an admin would). */
async function tokenId(t: TestCloud, token: string): Promise<string> {
  const list = await t.get(`${t.realmPath()}/applications/${t.tenant.management.application_id}/tokens`);
  const match = list.body.tokens.find((k: { token_suffix: string }) => k.token_suffix === token.slice(-8));
  expect(match).toBeDefined();
  return match.id as string;
}

describe.each(managementOperations.map((op) => [`${op.method.toUpperCase()} ${op.id}`, op] as const))(
  'authorization of %s',
  (_name, op) => {
    it('answers 401 to missing, garbage, expired and revoked tokens, and 403 to the wrong scope, tenant or realm', async () => {
      const t = createTestCloud();
      const path = concretePath(t, op.path);
      const call = (opts: RequestOptions) => t.request(op.method.toUpperCase(), path, opts);
      const status = async (opts: RequestOptions) => {
        const res = await call(opts);
        return { status: res.status, body: res.body as unknown };
      };

      // Every token that must fail, minted (and revoked) first: then nothing may change in the
      // database while the operation refuses them.
      const revoked = await t.tokenWith(MANAGEMENT_SCOPES);
      const revokedId = await tokenId(t, revoked);
      expect((await t.del(`${t.realmPath()}/applications/${t.tenant.management.application_id}/tokens/${revokedId}`)).status).toBe(200);
      const allButOne = await t.tokenWith(MANAGEMENT_SCOPES.filter((s) => s !== op.scope));
      const other = t.otherTenant();
      const otherRealm = t.otherRealm();
      const changes = t.db.prepare('SELECT total_changes()').pluck();
      const before = changes.get();

      expect(await status({ token: null })).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await status({ token: 'garbage' })).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await status({ headers: { authorization: `Basic ${t.tenant.management.api_token}` }, token: null })).toEqual({
        status: 401,
        body: UNAUTHORIZED,
      });
      expect(await status({ token: revoked })).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await status({ token: allButOne })).toEqual({ status: 403, body: FORBIDDEN });
      expect(await status({ token: other.management.api_token })).toEqual({ status: 403, body: FORBIDDEN });
      // Another realm of the same tenant: refused at the realm level (not its paths) and at
      // the tenant level (only the admin realm manages the tenant).
      expect(await status({ token: otherRealm.token })).toEqual({ status: 403, body: FORBIDDEN });
      // No refusal wrote anything (rows changed on the cloud's one connection, triggers included).
      expect(changes.get()).toBe(before);

      // Last: moving the clock and letting the operation run change state.
      const exact = await t.tokenWith([op.scope]);
      const shortLived = await t.tokenWith([op.scope], t.tenant, { expiration_time: '60' });
      // Sent without a body, these two answer 400, which their spec entries do not list.
      const passed = await call({ token: exact, conformance: !NO_400_IN_SPEC.has(op.id) });
      expect([401, 403], `exact scope got ${passed.status} ${JSON.stringify(passed.body)}`).not.toContain(passed.status);
      expect(passed.status).toBeLessThan(500);
      const beforeExpiry = await call({ token: shortLived, conformance: !NO_400_IN_SPEC.has(op.id) });
      expect([401, 403]).not.toContain(beforeExpiry.status);
      t.advance(61_000);
      expect(await status({ token: shortLived })).toEqual({ status: 401, body: UNAUTHORIZED });
    });
  },
);

describe.each(managementOperations.filter((op) => op.body).map((op) => [`${op.method.toUpperCase()} ${op.id}`, op] as const))(
  'the checks of %s before its body',
  (_name, op) => {
    // A write operation reads its body before the checks (they run inside the
    // write transaction), so its order of errors is held by this test.
    it('answers a bad token, scope or path id before a malformed body, and writes nothing', async () => {
      const t = createTestCloud();
      const path = concretePath(t, op.path);
      const badBody = async (opts: RequestOptions, contentType = 'application/json') => {
        const res = await t.request(op.method.toUpperCase(), path, { ...opts, rawBody: '{"job": ', headers: { 'content-type': contentType, ...opts.headers } });
        return { status: res.status, body: res.body as unknown };
      };
      const allButOne = await t.tokenWith(MANAGEMENT_SCOPES.filter((s) => s !== op.scope));
      const before = t.db.prepare('SELECT (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM binding_jobs)').pluck().get();

      expect(await badBody({ token: null })).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await badBody({ token: null }, 'text/plain')).toEqual({ status: 401, body: UNAUTHORIZED });
      expect(await badBody({ token: allButOne })).toEqual({ status: 403, body: FORBIDDEN });
      if (/:(?!tenant_id|realm_id)[a-z_]+_id/.test(op.path)) {
        const res = await t.request(op.method.toUpperCase(), path.replace(SOME_ID, 'NOT-AN-ID'), {
          rawBody: '{"job": ',
          headers: { 'content-type': 'application/json' },
          conformance: false,
        });
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('invalid parameters');
        const fields = (res.body.details[0].field_violations as { field: string }[]).map((v) => v.field);
        expect(fields.length).toBeGreaterThan(0);
        for (const field of fields) expect(field).toMatch(/_id$/);
      }
      // With the token, the scope and the ids right, the body is what is wrong.
      expect(await badBody({ conformance: false })).toEqual({ status: 400, body: { code: 'bad_request', message: 'invalid request' } });
      expect((await badBody({ conformance: false }, 'text/plain')).status).toBe(415);
      expect(t.db.prepare('SELECT (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM binding_jobs)').pluck().get()).toBe(before);
    });
  },
);

describe('realm data isolation', () => {
  it("keeps realm A's identity out of reach of realm B's paths and token", async () => {
    const t = createTestCloud();
    const created = await t.post(`${t.realmPath()}/identities`, identityBody('ann'));
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    const { realmId, token } = t.otherRealm();
    const realmB = `/v1/tenants/${t.tenant.tenant_id}/realms/${realmId}`;
    const opts = { token };

    const notFound = {
      code: 'not_found',
      message: 'identity not found',
      details: [{ type: 'ResourceInfo', resource_type: 'Identity', id, description: 'identity not found' }],
    };
    for (const res of [
      await t.get(`${realmB}/identities/${id}`, opts),
      await t.patch(`${realmB}/identities/${id}`, { identity: { display_name: 'Hijacked' } }, opts),
      await t.del(`${realmB}/identities/${id}`, opts),
      await t.post(
        `${realmB}/identities/${id}/credential-binding-jobs`,
        { job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id } },
        opts,
      ),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(notFound);
    }
    const list = await t.get(`${realmB}/identities`, opts);
    expect(list.status).toBe(200);
    expect(list.body.total_size).toBe(0);
    expect(list.body.identities).toEqual([]);

    const after = await t.get(`${t.realmPath()}/identities/${id}`);
    expect(after.status).toBe(200);
    expect(after.body).toEqual(created.body);
    expect(t.db.prepare('SELECT count(*) FROM binding_jobs').pluck().get()).toBe(0);

    // Realm-wide listings and batches do not cross realms either.
    const jobs = await t.post(`${t.realmPath()}/identities/${id}/credential-binding-jobs`, {
      job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id },
    });
    expect(jobs.status).toBe(200);
    expect((await t.get(`${realmB}/identities/-/credential-binding-jobs`, opts)).body.total_size).toBe(0);
    const batch = await t.post(`${t.realmPath()}/batch-credential-binding-jobs`, {
      batch_credential_binding_job: { identity_ids: [id], job_template: { authenticator_config_id: t.tenant.app.authenticator_config_id } },
    });
    expect(batch.status).toBe(200);
    expect((await t.get(`${realmB}/batch-credential-binding-jobs/${batch.body.id}`, opts)).status).toBe(404);
    expect((await t.get(`${realmB}/batch-credential-binding-jobs/${batch.body.id}:listResults`, opts)).status).toBe(404);
  });

  it("keeps one tenant's identity out of reach of another tenant", async () => {
    const t = createTestCloud();
    const id = (await t.post(`${t.realmPath()}/identities`, identityBody('bea'))).body.id as string;
    const other = t.otherTenant();
    const got = await t.get(`${t.realmPath(other)}/identities/${id}`, { token: other.management.api_token });
    expect(got.status).toBe(404);
    expect(got.body.details[0]).toMatchObject({ resource_type: 'Identity', id });
    expect((await t.get(`${t.realmPath(other)}/identities`, { token: other.management.api_token })).body.total_size).toBe(0);
  });
});

describe('a token revoked while requests are in flight', () => {
  it('is refused by a write that commits after the revocation, even in the same group', async () => {
    const t = createTestCloud();
    const doomed = await t.tokenWith(MANAGEMENT_SCOPES);
    const doomedId = await tokenId(t, doomed);
    const jobs = () => t.db.prepare('SELECT count(*) FROM binding_jobs').pluck().get();
    const identityId = (await t.post(`${t.realmPath()}/identities`, identityBody('cal'))).body.id as string;
    // Both reach the group-commit queue in this turn of the event loop, the
    // revocation first: the write checks its token inside the transaction,
    // after the revocation, not when the request came in.
    const [revoked, created] = await Promise.all([
      t.del(`${t.realmPath()}/applications/${t.tenant.management.application_id}/tokens/${doomedId}`),
      t.post(
        `${t.realmPath()}/identities/${identityId}/credential-binding-jobs`,
        { job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id } },
        { token: doomed },
      ),
    ]);
    expect(revoked.status).toBe(200);
    expect(created).toMatchObject({ status: 401, body: UNAUTHORIZED });
    expect(jobs()).toBe(0);
  });
});
