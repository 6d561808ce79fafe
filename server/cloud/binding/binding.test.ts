import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createPrivateKey, sign as signBytesWith } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestCloud, identityBody, APP_ORIGIN, type TestCloud } from '../test/harness';
import { ecThumbprint } from './bind';

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

/** A RETURN job for a new identity; returns its link split into parts. */
async function returnJob(username = 'ann', extra: Record<string, unknown> = {}) {
  const identity = await t.post(`${t.realmPath()}/identities`, identityBody(username));
  const job = await t.post(`${t.realmPath()}/identities/${identity.body.id}/credential-binding-jobs`, {
    job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id, ...extra },
  });
  expect(job.status).toBe(200);
  const link = new URL(job.body.credential_binding_link);
  const token = link.searchParams.get('token')!;
  const jobPath = link.pathname.replace(/:invokeAuthenticator$/, '');
  return { identityId: identity.body.id as string, jobId: job.body.credential_binding_job.id as string, link, token, jobPath };
}

/** What the SDK sends to `:bind`: an ES256 JWT with the new public key in its header. */
async function proof(token: string, sub: string, options: { signWith?: CryptoKey } = {}) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const raw = await new SignJWT({ sub, token })
    .setProtectedHeader({ alg: 'ES256', jwk: { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! } })
    .sign(options.signWith ?? privateKey);
  return { raw, thumbprint: await calculateJwkThumbprint(jwk, 'sha256') };
}

const subFor = (t: TestCloud, identityId: string) => `CN=${identityId}, OU=${t.tenant.realm_id}, O=${t.tenant.tenant_id}`;
const auth = (token: string) => ({ token: null, headers: { authorization: `Bearer ${token}` } });

describe('authenticator protocol', () => {
  it('binds: binding instruction, getInfo, bind, then the credential is ACTIVE and the job COMPLETE', async () => {
    const { identityId, jobId, link, token, jobPath } = await returnJob();
    const instruction = await t.get(link.pathname + link.search, { token: null, headers: { accept: 'application/json' } });
    expect(instruction.status).toBe(200);
    expect(instruction.body).toEqual({
      api_base_url: 'http://localhost:8787', tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id,
      identity_id: identityId, job_id: jobId, token,
    });

    const info = await t.post(`${jobPath}:getInfo`, undefined, auth(token));
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      tenant: { display_name: 'Bindery Dev' },
      realm: { display_name: 'Bindery' },
      identity: { display_name: 'User ann', traits: { type: 'traits_v0', username: 'ann', primary_email_address: 'ann@example.com' } },
      application_id: t.tenant.app.application_id,
      authenticator_config: { id: t.tenant.app.authenticator_config_id, tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, config: { type: 'embedded', invoke_url: APP_ORIGIN } },
    });
    expect(typeof info.body.theme.logo_url_light).toBe('string');
    expect(typeof info.body.theme.support_url).toBe('string');

    const { raw, thumbprint } = await proof(token, subFor(t, identityId));
    const bound = await t.post(`${jobPath}:bind`, { type: 'JWT', raw }, auth(token));
    expect(bound.status).toBe(200);
    expect(Object.keys(bound.body).sort()).toEqual(['create_time', 'id', 'state', 'update_time']);
    expect(bound.body.state).toBe('ACTIVE');

    const credentials = await t.get(`${t.realmPath()}/identities/${identityId}/credentials`);
    expect(credentials.body.credentials).toEqual([expect.objectContaining({ id: bound.body.id, state: 'ACTIVE', csr_type: 'JWT', jwk_thumbprint: thumbprint })]);
    const job = await t.get(`${t.realmPath()}/identities/${identityId}/credential-binding-jobs/${jobId}`);
    expect(job.body).toMatchObject({ state: 'COMPLETE', credential_id: bound.body.id });

    const replay = await t.post(`${jobPath}:bind`, { type: 'JWT', raw }, auth(token));
    expect(replay.status).toBe(409);
  });

  it('lets exactly one of 200 concurrent binds on one link succeed', async () => {
    const { identityId, jobPath, token } = await returnJob();
    const proofs = await Promise.all(Array.from({ length: 200 }, () => proof(token, subFor(t, identityId))));
    const results = await Promise.all(proofs.map(({ raw }) => t.post(`${jobPath}:bind`, { type: 'JWT', raw }, auth(token))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(199);
    expect(results.find((r) => r.status === 409)!.body.code).toBe('conflict');
    const credentials = await t.get(`${t.realmPath()}/identities/${identityId}/credentials`);
    expect(credentials.body.total_size).toBe(1);
  });

  it('refuses expired, revoked, used and unknown links, each with its own status and code', async () => {
    const expired = await returnJob('exp');
    const revoked = await returnJob('rev');
    const used = await returnJob('used');
    await t.post(`${t.realmPath()}/identities/${revoked.identityId}/credential-binding-jobs/${revoked.jobId}:revoke`, {});
    const first = await proof(used.token, subFor(t, used.identityId));
    expect((await t.post(`${used.jobPath}:bind`, { type: 'JWT', raw: first.raw }, auth(used.token))).status).toBe(200);
    t.advance(7 * 24 * 3600 * 1000 + 1000);

    const outcome = async (job: Awaited<ReturnType<typeof returnJob>>, token = job.token) => {
      const info = await t.post(`${job.jobPath}:getInfo`, undefined, auth(token));
      const link = await t.get(`${job.link.pathname}?token=${token}`, { token: null, headers: { accept: 'application/json' } });
      const { raw } = await proof(token, subFor(t, job.identityId));
      const bound = await t.post(`${job.jobPath}:bind`, { type: 'JWT', raw }, auth(token));
      expect(link.status).toBe(info.status);
      expect(bound.status).toBe(info.status);
      return [info.status, info.body.code, info.body.message];
    };
    expect(await outcome(expired)).toEqual([410, 'gone', 'credential binding link has expired']);
    expect(await outcome(revoked)).toEqual([403, 'forbidden', 'credential binding link has been revoked']);
    expect(await outcome(used)).toEqual([409, 'conflict', 'credential binding link has already been used']);
    expect(await outcome(used, 'x'.repeat(64))).toEqual([404, 'not_found', 'credential binding link not found']);
    const job = await t.get(`${t.realmPath()}/identities/${expired.identityId}/credential-binding-jobs/${expired.jobId}`);
    expect(job.body.state).toBe('EXPIRED');
  });

  it('refuses a proof signed by another key, with a wrong sub, or with the wrong token', async () => {
    const { identityId, jobPath, token } = await returnJob();
    const other = await generateKeyPair('ES256');
    const forged = await proof(token, subFor(t, identityId), { signWith: other.privateKey });
    const bad = await t.post(`${jobPath}:bind`, { type: 'JWT', raw: forged.raw }, auth(token));
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field_violations[0]).toEqual({ field: 'raw', description: 'signature verification failed' });

    const wrongSub = await proof(token, `CN=0000000000000000, OU=${t.tenant.realm_id}, O=${t.tenant.tenant_id}`);
    const sub = await t.post(`${jobPath}:bind`, { type: 'JWT', raw: wrongSub.raw }, auth(token));
    expect(sub.status).toBe(400);
    expect(sub.body.details[0].field_violations[0].description).toMatch(/^sub must be "CN=/);

    const wrongToken = await proof('another-token', subFor(t, identityId));
    expect((await t.post(`${jobPath}:bind`, { type: 'JWT', raw: wrongToken.raw }, auth(token))).status).toBe(400);
    expect((await t.post(`${jobPath}:bind`, { type: 'JWS', raw: wrongToken.raw }, auth(token))).status).toBe(400);
    expect((await t.post(`${jobPath}:bind`, { type: 'JWT', raw: 'not.a.jwt' }, auth(token))).status).toBe(400);

    // A header key whose coordinates are not a point on P-256 (WebCrypto's DataError): a 400 too, not a 500.
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { x } = await exportJWK(publicKey);
    const offCurve = await new SignJWT({ sub: subFor(t, identityId), token })
      .setProtectedHeader({ alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: x!, y: x! } })
      .sign(privateKey);
    const notOnCurve = await t.post(`${jobPath}:bind`, { type: 'JWT', raw: offCurve }, auth(token));
    expect(notOnCurve.status).toBe(400);
    expect(notOnCurve.body.details[0].field_violations[0]).toEqual({ field: 'raw', description: 'the header must carry the new P-256 public key as "jwk"' });

    // Nothing was bound by any of them: the real proof still works.
    const good = await proof(token, subFor(t, identityId));
    expect((await t.post(`${jobPath}:bind`, { type: 'JWT', raw: good.raw }, auth(token))).status).toBe(200);
  });

  it('checks the proof as a JWS and a JWT: signature encoding, crit, the claims and their times', async () => {
    const { identityId, jobPath, token } = await returnJob();
    const sub = subFor(t, identityId);
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { x, y } = await exportJWK(publicKey);
    const header = { alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: x!, y: y! } };
    const signed = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
    const now = Math.floor(Date.now() / 1000);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    // A signature over any bytes, with the same key: what a JWS library would not produce.
    const key = createPrivateKey({ key: (await exportJWK(privateKey)) as never, format: 'jwk' });
    const signBytes = (encodedHeader: string, encodedPayload: string, der = false) =>
      signBytesWith('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), { key, dsaEncoding: der ? 'der' : 'ieee-p1363' }).toString('base64url');
    const refusal = async (raw: string) => {
      const res = await t.post(`${jobPath}:bind`, { type: 'JWT', raw }, auth(token));
      expect(res.status, raw).toBe(400);
      return res.body.details[0].field_violations[0].description as string;
    };

    expect(await refusal(await signed({ sub, token, exp: now - 60 }))).toBe('invalid proof: "exp" claim timestamp check failed');
    expect(await refusal(await signed({ sub, token, nbf: now + 600 }))).toBe('invalid proof: "nbf" claim timestamp check failed');
    expect(await refusal(await signed({ sub, token, iat: 'yesterday' }))).toBe('invalid proof: "iat" must be a number');
    const h = b64(header);
    const p = b64({ sub, token });
    const critical = b64({ ...header, crit: ['urn:x'], 'urn:x': 1 });
    expect(await refusal(`${critical}.${p}.${signBytes(critical, p)}`)).toBe('invalid proof: "crit" extensions are not supported');
    expect(await refusal(`${h}.${p}.${signBytes(h, p, true)}`)).toBe('signature verification failed');
    expect(await refusal(`${h}.${b64([sub, token])}.${signBytes(h, b64([sub, token]))}`)).toBe('invalid proof: the claims must be a JSON object');
    expect(await refusal(`${h}.${p}.${signBytes(h, p)}.x`)).toBe('must be a compact JWS');
    expect(await refusal(`${h}.${p}!.${signBytes(h, p)}`)).toBe('must be a compact JWS');
    expect(await refusal(`${b64({ ...header, alg: 'none' })}.${p}.`)).toBe('must be a compact JWS');
    expect(await refusal(`${b64({ ...header, alg: 'none' })}.${p}.${signBytes(h, p)}`)).toBe('the proof must be signed with ES256');

    // The same point with a coordinate spelled in 33 bytes (a leading zero): another thumbprint for one key.
    const padded = b64({ ...header, jwk: { ...header.jwk, x: Buffer.concat([Buffer.alloc(1), Buffer.from(x!, 'base64url')]).toString('base64url') } });
    expect(await refusal(`${padded}.${p}.${signBytes(padded, p)}`)).toBe('the header must carry the new P-256 public key as "jwk"');

    // Times in range and a signature over exactly these bytes: bound.
    const good = `${h}.${b64({ sub, token, iat: now, nbf: now - 5, exp: now + 60 })}`;
    const res = await t.post(`${jobPath}:bind`, { type: 'JWT', raw: `${good}.${signBytes(...(good.split('.') as [string, string]))}` }, auth(token));
    expect(res.status).toBe(200);
  });

  it("finds a link by the job its URL names: a token works only on its own job's URL", async () => {
    const ann = await returnJob('ann');
    const bob = await returnJob('bob');
    const annAgain = await t.post(`${t.realmPath()}/identities/${ann.identityId}/credential-binding-jobs`, {
      job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id },
    });
    const jobPath = (identityId: string, jobId: string) => `${t.realmPath()}/identities/${identityId}/credential-binding-jobs/${jobId}`;
    const status = async (path: string, token: string) => (await t.post(`${path}:getInfo`, undefined, auth(token))).status;
    expect(await status(ann.jobPath, ann.token)).toBe(200);
    // Bob's token on Ann's job, Ann's on her other job, Ann's job under Bob's identity, an unknown job.
    expect(await status(ann.jobPath, bob.token)).toBe(404);
    expect(await status(jobPath(ann.identityId, annAgain.body.credential_binding_job.id), ann.token)).toBe(404);
    expect(await status(jobPath(bob.identityId, ann.jobId), ann.token)).toBe(404);
    expect(await status(jobPath(ann.identityId, '0123456789abcdef'), ann.token)).toBe(404);
    // One character off, the same length: still nothing.
    const near = ann.token.slice(0, -1) + (ann.token.endsWith('A') ? 'B' : 'A');
    expect(await status(ann.jobPath, near)).toBe(404);
    expect(await status(ann.jobPath, ann.token)).toBe(200);
  });

  it("refuses another realm's token on this realm's path", async () => {
    const other = t.otherRealm();
    const config = await t.post(`/v1/tenants/${t.tenant.tenant_id}/realms/${other.realmId}/authenticator-configs`,
      { authenticator_config: { config: { type: 'embedded', invoke_url: APP_ORIGIN, trusted_origins: [APP_ORIGIN] } } }, { token: other.token });
    const identity = await t.post(`/v1/tenants/${t.tenant.tenant_id}/realms/${other.realmId}/identities`, identityBody('bob'), { token: other.token });
    const job = await t.post(`/v1/tenants/${t.tenant.tenant_id}/realms/${other.realmId}/identities/${identity.body.id}/credential-binding-jobs`,
      { job: { delivery_method: 'RETURN', authenticator_config_id: config.body.id } }, { token: other.token });
    const otherToken = new URL(job.body.credential_binding_link).searchParams.get('token')!;
    const mine = await returnJob();
    const refused = await t.post(`${mine.jobPath}:getInfo`, undefined, auth(otherToken));
    expect(refused.status).toBe(404);
    // And a path naming the other realm with this realm's job id finds nothing either.
    const crossed = `/v1/tenants/${t.tenant.tenant_id}/realms/${other.realmId}/identities/${mine.identityId}/credential-binding-jobs/${mine.jobId}`;
    expect((await t.post(`${crossed}:getInfo`, undefined, auth(mine.token))).status).toBe(404);
  });

  it('answers a HEAD of the link as it answers a GET (link checkers and mail scanners send HEAD)', async () => {
    const { link, identityId, jobId } = await returnJob();
    const head = await t.request('HEAD', link.pathname + link.search, { token: null, headers: { accept: 'text/html' }, conformance: false });
    expect(head.status).toBe(302);
    // Answered, but not counted as a person opening it.
    expect((await t.get(`${t.realmPath()}/identities/${identityId}/credential-binding-jobs/${jobId}`)).body.state).toBe('LINK_SENT');
    const unknown = new URL(link);
    unknown.searchParams.set('token', 'not-a-token');
    expect((await t.request('HEAD', unknown.pathname + unknown.search, { token: null, headers: { accept: 'text/html' }, conformance: false })).status).toBe(404);
  });

  it('forwards a person opening the link to {invoke_url}/bind, marks LINK_OPENED, and consumes nothing', async () => {
    const { identityId, jobId, link, token, jobPath } = await returnJob('ann', { post_binding_redirect_uri: `${APP_ORIGIN}/welcome` });
    const opened = await t.get(link.pathname + link.search, { token: null, headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(opened.status).toBe(302);
    const location = new URL(opened.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${APP_ORIGIN}/bind`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      api_base_url: 'http://localhost:8787', tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id,
      identity_id: identityId, job_id: jobId, token,
    });
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    const job = await t.get(`${t.realmPath()}/identities/${identityId}/credential-binding-jobs/${jobId}`);
    expect(job.body.state).toBe('LINK_OPENED');

    // Opening it again (a mail scanner, a second click) still works, and so does the bind.
    expect((await t.get(link.pathname + link.search, { token: null, headers: { accept: 'text/html' } })).status).toBe(302);
    const info = await t.post(`${jobPath}:getInfo`, undefined, auth(token));
    expect(info.body.post_binding_redirect_uri).toBe(`${APP_ORIGIN}/welcome`);
    const { raw } = await proof(token, subFor(t, identityId));
    expect((await t.post(`${jobPath}:bind`, { type: 'JWT', raw }, auth(token))).status).toBe(200);
  });

  it('shows a person an error page for an unknown link, without redirecting', async () => {
    const { link } = await returnJob();
    const page = await t.get(`${link.pathname}?token=unknown`, { token: null, headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('location')).toBeNull();
    expect(page.body).toContain('This link is not valid');
  });

  it('grants CORS only to the trusted origins of the job’s authenticator config', async () => {
    const { jobPath, token } = await returnJob();
    const preflight = (origin: string) =>
      t.request('OPTIONS', `${jobPath}:bind`, {
        token: null,
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const trusted = await preflight(APP_ORIGIN);
    expect(trusted.status).toBe(204);
    expect(trusted.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(trusted.headers.get('access-control-allow-headers')).toMatch(/authorization/);

    const untrusted = await preflight('https://evil.example');
    expect(untrusted.headers.get('access-control-allow-origin')).toBeNull();

    const info = await t.post(`${jobPath}:getInfo`, undefined, { token: null, headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' } });
    expect(info.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await t.post(`${jobPath}:getInfo`, undefined, { token: null, headers: { authorization: `Bearer ${token}`, origin: APP_ORIGIN } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    // Errors carry the grant too, so the SDK can read the status it reports.
    const refused = await t.post(`${jobPath}:getInfo`, undefined, { token: null, headers: { authorization: 'Bearer nope', origin: APP_ORIGIN } });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });

  it('still grants CORS to a deleted authenticator config’s trusted origins, so the page reads the revocation', async () => {
    const other = 'http://localhost:5174';
    const config = await t.post(`${t.realmPath()}/authenticator-configs`, {
      authenticator_config: { config: { type: 'embedded', invoke_url: other, trusted_origins: [other] } },
    });
    const { jobPath, token } = await returnJob('ann', { authenticator_config_id: config.body.id });
    expect((await t.del(`${t.realmPath()}/authenticator-configs/${config.body.id}`)).status).toBe(200);
    expect((await t.get(`${t.realmPath()}/authenticator-configs/${config.body.id}`)).status).toBe(404);

    const preflight = await t.request('OPTIONS', `${jobPath}:getInfo`, {
      token: null,
      headers: { origin: other, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(other);
    const info = await t.post(`${jobPath}:getInfo`, undefined, { token: null, headers: { authorization: `Bearer ${token}`, origin: other } });
    expect(info.status).toBe(403);
    expect(info.body).toMatchObject({ code: 'forbidden' });
    expect(info.headers.get('access-control-allow-origin')).toBe(other);
    // Only the deleted config's own origins: the default config's are not lent to its links.
    const foreign = await t.post(`${jobPath}:getInfo`, undefined, { token: null, headers: { authorization: `Bearer ${token}`, origin: APP_ORIGIN } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('links that can no longer be used', () => {
  /** The answers of the link (as the SDK fetches it), `:getInfo` and `:bind`, which must agree. */
  async function refusals(job: Awaited<ReturnType<typeof returnJob>>) {
    const link = await t.get(job.link.pathname + job.link.search, { token: null, headers: { accept: 'application/json' } });
    const info = await t.post(`${job.jobPath}:getInfo`, undefined, auth(job.token));
    const { raw } = await proof(job.token, subFor(t, job.identityId));
    const bound = await t.post(`${job.jobPath}:bind`, { type: 'JWT', raw }, auth(job.token));
    expect(link.status).toBe(info.status);
    expect(bound.status).toBe(info.status);
    expect(bound.body).toEqual(info.body);
    return info;
  }

  const credentialsOf = async (identityId: string) => (await t.get(`${t.realmPath()}/identities/${identityId}/credentials`)).body.total_size;
  const jobState = async (job: { identityId: string; jobId: string }) =>
    (await t.get(`${t.realmPath()}/identities/${job.identityId}/credential-binding-jobs/${job.jobId}`)).body.state;

  it('refuses a FAILED_TO_SEND link everywhere, with 410, and does not count an opening', async () => {
    const job = await returnJob();
    expect(t.cloud.deps.repos.bindingJobs.markFailedToSend(job.jobId, t.cloud.deps.clock(), 'email could not be sent: ECONNREFUSED')).toBe(true);
    const info = await refusals(job);
    expect(info.status).toBe(410);
    expect(info.body).toEqual({
      code: 'gone',
      message: 'credential binding link could not be delivered',
      details: [{ type: 'ResourceInfo', resource_type: 'CredentialBindingJob', id: job.jobId, description: 'failed to send' }],
    });
    // A person opening it is still forwarded (the app asks why it cannot be used), but the job stays failed.
    const opened = await t.get(job.link.pathname + job.link.search, { token: null, headers: { accept: 'text/html' } });
    expect(opened.status).toBe(302);
    expect(await jobState(job)).toBe('FAILED_TO_SEND');
    expect(await credentialsOf(job.identityId)).toBe(0);
  });

  it('refuses a link whose authenticator config is gone, and never answers a null config', async () => {
    const config = await t.post(`${t.realmPath()}/authenticator-configs`, {
      authenticator_config: { config: { type: 'embedded', invoke_url: APP_ORIGIN, trusted_origins: [APP_ORIGIN] } },
    });
    const job = await returnJob('ann', { authenticator_config_id: config.body.id });
    expect((await t.post(`${job.jobPath}:getInfo`, undefined, auth(job.token))).body.authenticator_config.config).toMatchObject({ invoke_url: APP_ORIGIN });
    // Removed under its pending job, as a deletion did before DeleteAuthenticatorConfig revoked such jobs.
    t.cloud.deps.db.prepare('DELETE FROM authenticator_configs WHERE id = ?').run(config.body.id);
    const info = await refusals(job);
    expect(info.status).toBe(403);
    expect(info.body).toEqual({
      code: 'forbidden',
      message: 'credential binding link can no longer be used: its authenticator config was deleted',
      details: [{ type: 'ResourceInfo', resource_type: 'CredentialBindingJob', id: job.jobId, description: 'authenticator config deleted' }],
    });
    expect(await credentialsOf(job.identityId)).toBe(0);
  });

  it('refuses a bind whose identity was suspended while its proof was being verified, binding nothing', async () => {
    const job = await returnJob();
    const { raw } = await proof(job.token, subFor(t, job.identityId));
    // The bind judges the link when it starts. A seam on the group commit holds its write until
    // the identity is suspended: as if the suspension committed during the body read and ES256 verify.
    const write = t.cloud.deps.write;
    t.cloud.deps.write = (async (fn: () => unknown) => {
      t.cloud.deps.write = write;
      expect((await t.patch(`${t.realmPath()}/identities/${job.identityId}`, { identity: { status: 'suspended' } })).status).toBe(200);
      return write(fn);
    }) as typeof write;
    const bound = await t.post(`${job.jobPath}:bind`, { type: 'JWT', raw }, auth(job.token));
    expect(t.cloud.deps.write).toBe(write);
    expect(bound.status).toBe(403);
    expect(bound.body).toMatchObject({ code: 'forbidden', message: 'identity is suspended' });
    expect(await credentialsOf(job.identityId)).toBe(0);
    expect(await jobState(job)).toBe('LINK_SENT');

    // Nothing was used up: once active again, the same link binds.
    expect((await t.patch(`${t.realmPath()}/identities/${job.identityId}`, { identity: { status: 'active' } })).status).toBe(200);
    expect((await t.post(`${job.jobPath}:bind`, { type: 'JWT', raw }, auth(job.token))).status).toBe(200);
  });
});

describe('the EMAIL redirect to the Invoke URL', () => {
  it.each([
    ['an origin', APP_ORIGIN, '/bind', {}],
    ['an origin and a trailing slash', `${APP_ORIGIN}/`, '/bind', {}],
    ['a path', `${APP_ORIGIN}/shop`, '/shop/bind', {}],
    ['a path and a trailing slash', `${APP_ORIGIN}/shop/`, '/shop/bind', {}],
    ['a query', `${APP_ORIGIN}/shop?brand=blue&lang=en`, '/shop/bind', { brand: 'blue', lang: 'en' }],
    ['a trailing slash and a query', `${APP_ORIGIN}/?lang=en`, '/bind', { lang: 'en' }],
    ['a query naming one of ours', `${APP_ORIGIN}/shop?token=stale&lang=en`, '/shop/bind', { lang: 'en' }],
  ])('appends /bind to an Invoke URL with %s, keeping its query and adding ours', async (_what, invokeUrl, path, own) => {
    const config = await t.post(`${t.realmPath()}/authenticator-configs`, {
      authenticator_config: { config: { type: 'embedded', invoke_url: invokeUrl, trusted_origins: [APP_ORIGIN] } },
    });
    expect(config.status).toBe(200);
    const { identityId, jobId, link, token } = await returnJob('ann', { authenticator_config_id: config.body.id });
    const opened = await t.get(link.pathname + link.search, { token: null, headers: { accept: 'text/html' } });
    expect(opened.status).toBe(302);
    const location = new URL(opened.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${APP_ORIGIN}${path}`);
    const keys = [...location.searchParams.keys()];
    expect(keys).toHaveLength(new Set(keys).size);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      ...own,
      api_base_url: 'http://localhost:8787', tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id,
      identity_id: identityId, job_id: jobId, token,
    });
  });
});

describe('ecThumbprint', () => {
  it('is the RFC 7638 thumbprint jose computes', async () => {
    for (let i = 0; i < 5; i++) {
      const { publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = await exportJWK(publicKey);
      expect(ecThumbprint({ kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! })).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
    }
  });
});
