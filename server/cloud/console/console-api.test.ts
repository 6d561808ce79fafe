import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  activityResponse,
  applicationResponse,
  authenticatorConfigResponse,
  batchResponse,
  bindingLinkCurlResponse,
  consolePath,
  createEmailJobResponse,
  createTokenResponse,
  emailPreviewResponse,
  identityDetail,
  jobRow,
  jobStreamEnd,
  listApplicationsResponse,
  listCredentialsResponse,
  listIdentitiesResponse,
  listJobsResponse,
  listTokensResponse,
  themeResponse,
  type IdentityDetail,
  type JobRow,
} from '../../../contracts/console-api';
import { newId } from '../../lib/ids';
import { migrate } from '../db/open';
import { migrations } from '../db/migrations';
import type { TestCloud } from '../test/harness';
import { createConsoleRepository } from './repository';
import { ADMIN, signedInConsole, type ConsoleClient } from './test/console-client';

let client: ConsoleClient;
let t: TestCloud;
beforeEach(async () => {
  ({ client, t } = await signedInConsole({ jobEvents: { pollMs: 20 } }));
});

const ACTOR = `admin:${ADMIN.username}`;

async function createIdentity(username: string, display_name: string, email?: string): Promise<IdentityDetail> {
  const response = await client.post(client.realmPath('/identities'), { username, display_name, ...(email ? { email } : {}) });
  expect(response.status, response.text).toBe(200);
  return identityDetail.parse(response.body);
}

/** An ACTIVE credential, as a completed bind would leave it. */
function insertCredential(identityId: string): string {
  const id = newId();
  const time = new Date().toISOString();
  t.cloud.deps.repos.credentials.insert({
    id, tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, identity_id: identityId, state: 'ACTIVE', csr_type: 'JWT',
    jwk_json: '{}', jwk_thumbprint: `thumb-${id}`, create_time: time, update_time: time,
  });
  return id;
}

async function search(q: string, extra: Record<string, string> = {}) {
  const response = await client.get(consolePath('listIdentities', { realm_id: client.realm }, { q, ...extra }));
  expect(response.status, response.text).toBe(200);
  return listIdentitiesResponse.parse(response.body);
}

const usernames = (list: { identities: { username: string }[] }) => list.identities.map((i) => i.username);

function auditActions(identityId?: string) {
  return t.cloud.deps.repos.audit
    .list(t.tenant.tenant_id, identityId ? { identityId } : {})
    .map((e) => ({ action: e.action, actor: e.actor }));
}

describe('identities', () => {
  it('searches username, display name and email by substring in any case, and pages', async () => {
    await createIdentity('ann.smith', 'Ann Smith', 'ann@example.com');
    await createIdentity('bob', 'Bob Jones', 'bob@smithery.io');
    await createIdentity('carol', 'Carol Smithson');
    await createIdentity('dave', 'Dave', 'dave@example.org');
    // Through the Management API: every writer keeps the search index current.
    expect((await t.post(`${t.realmPath()}/identities`, { identity: { display_name: 'Émile Zola', traits: { type: 'traits_v0', username: 'emile' } } })).status).toBe(200);

    expect(usernames(await search(''))).toEqual(['ann.smith', 'bob', 'carol', 'dave', 'emile']);
    expect(usernames(await search('smith'))).toEqual(['ann.smith', 'bob', 'carol']);
    expect(usernames(await search('SMITH'))).toEqual(['ann.smith', 'bob', 'carol']);
    expect(usernames(await search('example.org'))).toEqual(['dave']);
    expect(usernames(await search('zola'))).toEqual(['emile']);
    // Shorter than a trigram: the same answers by a scan.
    expect(usernames(await search('Sm'))).toEqual(['ann.smith', 'bob', 'carol']);
    expect(usernames(await search('jo'))).toEqual(['bob']);
    expect(usernames(await search('z'))).toEqual(['emile']);
    // LIKE's wildcards are literal characters here.
    expect((await search('%')).total_size).toBe(0);
    expect((await search('a_b')).total_size).toBe(0);
    expect((await search('"quoted"')).total_size).toBe(0);

    const first = await search('smith', { page_size: '2' });
    expect(usernames(first)).toEqual(['ann.smith', 'bob']);
    expect(first.total_size).toBe(3);
    const second = await search('smith', { page_token: first.next_page_token! });
    expect(usernames(second)).toEqual(['carol']);
    expect(second.next_page_token).toBeUndefined();
    const mismatch = await client.get(consolePath('listIdentities', { realm_id: client.realm }, { q: 'bob', page_token: first.next_page_token }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.details[0].field_violations).toEqual([{ field: 'q', description: 'must match the q of the page token' }]);
    expect((await client.get(consolePath('listIdentities', { realm_id: client.realm }, { page_size: 101 }))).status).toBe(400);
  });

  it('refuses a search with a control character (a NUL cut the FTS5 phrase: 500) with 400 naming q', async () => {
    await createIdentity('alpha', 'Alpha');
    for (const q of ['a\u0000b', 'alp\u0000', '\u0000', 'al\u0007pha']) {
      const response = await client.get(consolePath('listIdentities', { realm_id: client.realm }, { q }));
      expect(response.status, JSON.stringify(q)).toBe(400);
      expect(response.body.details[0].field_violations).toEqual([{ field: 'q', description: 'must not contain control characters' }]);
    }
    expect(usernames(await search('alp'))).toEqual(['alpha']);
  });

  it('keeps the search current through renames and deletes', async () => {
    const dave = await createIdentity('dave', 'Dave', 'dave@example.org');
    const carol = await createIdentity('carol', 'Carol Smithson');
    expect(usernames(await search('smith'))).toEqual(['carol']);
    expect((await client.patch(client.realmPath(`/identities/${dave.id}`), { username: 'dave.smithers' })).status).toBe(200);
    expect(usernames(await search('smith'))).toEqual(['dave.smithers', 'carol']);
    expect(usernames(await search('dave@'))).toEqual(['dave.smithers']);
    expect((await client.del(client.realmPath(`/identities/${carol.id}`))).status).toBe(204);
    expect(usernames(await search('smith'))).toEqual(['dave.smithers']);
    expect(usernames(await search('carol'))).toEqual([]);
  });

  it('indexes the identities of a database from before the console when it migrates', () => {
    const db = new Database(':memory:');
    for (const sql of migrations.slice(0, 3)) db.exec(sql);
    db.pragma('user_version = 3');
    db.exec(`INSERT INTO tenants VALUES ('t', 'T', 'x', 'x'); INSERT INTO realms (id, tenant_id, display_name, create_time, update_time) VALUES ('r', 't', 'R', 'x', 'x')`);
    db.prepare(
      `INSERT INTO identities (id, tenant_id, realm_id, display_name, traits_json, username, username_key, email, create_time, update_time)
       VALUES ('i', 't', 'r', 'Old Timer', '{}', 'old.timer', 'old.timer', 'old@example.com', 'x', 'x')`,
    ).run();
    migrate(db);
    const page = { afterSeq: 0, skip: 0, size: 10, filter: '' };
    expect(createConsoleRepository(db).searchIdentities('r', 'timer', page)).toEqual({ rows: [{ seq: 1, id: 'i' }], total: 1 });
    expect(createConsoleRepository(db).searchIdentities('r', 'EXAMPLE', page).total).toBe(1);
    db.close();
  });

  it('says whether a passkey is bound: an ACTIVE credential', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const bob = await createIdentity('bob', 'Bob', 'bob@example.com');
    expect(ann.passkey_bound).toBe(false);
    const credentialId = insertCredential(bob.id);
    const list = await search('');
    expect(list.identities.map((i) => [i.username, i.passkey_bound, i.enrollment_status])).toEqual([
      ['ann', false, 'UNENROLLED'],
      ['bob', true, 'ENROLLED'],
    ]);

    const credentials = await client.get(client.realmPath(`/identities/${bob.id}/credentials`));
    expect(listCredentialsResponse.parse(credentials.body).credentials).toEqual([
      { id: credentialId, state: 'ACTIVE', csr_type: 'JWT', jwk_thumbprint: `thumb-${credentialId}`, create_time: expect.any(String), update_time: expect.any(String) },
    ]);
    const revoked = await client.post(client.realmPath(`/identities/${bob.id}/credentials/${credentialId}/revoke`));
    expect(revoked.status).toBe(200);
    expect(revoked.body.state).toBe('REVOKED');
    expect((await client.get(client.realmPath(`/identities/${bob.id}`))).body.passkey_bound).toBe(false);
    expect(auditActions(bob.id)).toContainEqual({ action: 'credential.revoke', actor: ACTOR });
    // The Management API sees the same revocation.
    expect((await t.get(`${t.realmPath()}/identities/${bob.id}/credentials/${credentialId}`)).body.state).toBe('REVOKED');
  });

  it('lists an identity\'s credentials newest first, by page, hiding none however many there are', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const bob = await createIdentity('bob', 'Bob', 'bob@example.com');
    // More than the 200 the console once read: the newest were the ones it hid.
    const inserted: string[] = [];
    for (let n = 0; n < 230; n++) {
      inserted.push(insertCredential(ann.id));
      if (n % 50 === 0) insertCredential(bob.id);
    }
    const newestFirst = [...inserted].reverse();
    const path = (query: Record<string, string | number | undefined> = {}) =>
      consolePath('listCredentials', { realm_id: client.realm, identity_id: ann.id }, query);

    const first = listCredentialsResponse.parse((await client.get(path())).body);
    expect(first.credentials.map((c) => c.id)).toEqual(newestFirst.slice(0, 100));
    expect(first.total_size).toBe(230);
    const seen = [...first.credentials.map((c) => c.id)];
    for (let token = first.next_page_token; token; ) {
      const page = listCredentialsResponse.parse((await client.get(path({ page_token: token }))).body);
      expect(page.total_size).toBe(230);
      seen.push(...page.credentials.map((c) => c.id));
      token = page.next_page_token;
    }
    expect(seen).toEqual(newestFirst);

    const small = listCredentialsResponse.parse((await client.get(path({ page_size: 7 }))).body);
    expect(small.credentials.map((c) => c.id)).toEqual(newestFirst.slice(0, 7));
    const next = listCredentialsResponse.parse((await client.get(path({ page_token: small.next_page_token }))).body);
    expect(next.credentials.map((c) => c.id)).toEqual(newestFirst.slice(7, 14));

    expect((await client.get(path({ page_size: 101 }))).status).toBe(400);
    expect((await client.get(path({ page_token: 'not-a-token' }))).status).toBe(400);
  });

  it('creates, edits, suspends and unsuspends, and deletes, audited as the admin', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    expect(ann).toMatchObject({ username: 'ann', display_name: 'Ann', email: 'ann@example.com', status: 'active', passkey_bound: false });
    expect(ann.traits).toEqual({ type: 'traits_v0', username: 'ann', primary_email_address: 'ann@example.com' });

    const taken = await client.post(client.realmPath('/identities'), { username: 'ANN', display_name: 'Other' });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ code: 'conflict', message: 'username already exists' });
    const bad = await client.post(client.realmPath('/identities'), { username: 'a/b', display_name: '', email: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field_violations.map((v: { field: string }) => v.field).sort()).toEqual(['display_name', 'email', 'username']);

    const path = client.realmPath(`/identities/${ann.id}`);
    const edited = await client.patch(path, { display_name: 'Ann Example', email: 'ann@example.org' });
    expect(identityDetail.parse(edited.body)).toMatchObject({ username: 'ann', display_name: 'Ann Example', email: 'ann@example.org' });
    const noEmail = await client.patch(path, { email: null });
    expect(noEmail.body.email).toBeNull();
    expect(noEmail.body.traits.primary_email_address).toBeUndefined();

    expect((await client.patch(path, { status: 'suspended' })).body.status).toBe('suspended');
    expect((await t.get(`${t.realmPath()}/identities/${ann.id}`)).body.status).toBe('suspended');
    expect((await client.patch(path, { status: 'active' })).body.status).toBe('active');
    expect((await client.patch(path, { status: 'gone' })).status).toBe(400);

    expect((await client.del(path)).status).toBe(204);
    const missing = await client.get(path);
    expect(missing.status).toBe(404);
    expect(missing.body.details).toEqual([{ type: 'ResourceInfo', resource_type: 'Identity', id: ann.id, description: 'identity not found' }]);
    expect((await client.get(client.realmPath('/identities/not-an-id'))).status).toBe(400);
    expect((await client.get(`/console/api/realms/${newId()}/identities`)).status).toBe(404);

    expect(auditActions(ann.id).reverse()).toEqual([
      { action: 'identity.create', actor: ACTOR },
      { action: 'identity.update', actor: ACTOR },
      { action: 'identity.update', actor: ACTOR },
      { action: 'identity.update', actor: ACTOR },
      { action: 'identity.update', actor: ACTOR },
      { action: 'identity.delete', actor: ACTOR },
    ]);
  });
});

describe('Add a passkey', () => {
  it('lists applications, and only those with an embedded authenticator config can bind', async () => {
    const response = await client.get(client.realmPath('/applications'));
    const { applications } = listApplicationsResponse.parse(response.body);
    const byId = new Map(applications.map((a) => [a.application.id, a]));
    expect(byId.get(t.tenant.app.application_id)).toMatchObject({
      can_bind: true,
      authenticator_config: { id: t.tenant.app.authenticator_config_id, config: { type: 'embedded', invoke_url: 'http://localhost:3000' } },
    });
    expect(byId.get(t.tenant.management.application_id)).toMatchObject({ can_bind: false, authenticator_config: null });
    expect(response.text).not.toContain('"client_secret"');
    expect(response.text).not.toContain(t.tenant.app.client_secret);
  });

  it('"Proceed & send email" creates an EMAIL job with its message queued, as the Management API would', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const response = await client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: t.tenant.app.application_id });
    expect(response.status, response.text).toBe(200);
    const { job } = createEmailJobResponse.parse(response.body);
    expect(job).toMatchObject({
      identity_id: ann.id,
      delivery_method: 'EMAIL',
      state: 'LINK_SENT',
      terminal: false,
      state_reason: null,
      authenticator_config_id: t.tenant.app.authenticator_config_id,
      application_id: t.tenant.app.application_id,
      email: { recipient: 'ann@example.com', state: 'queued', attempts: 0, last_error: null, sent_time: null },
    });
    // The outbox row exists, sealed: the binding link is not in it in the clear, nor in the answer.
    const outbox = t.db.prepare('SELECT * FROM outbox WHERE job_id = ?').all(job.id) as { recipient: string; state: string; sealed_link: string }[];
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ recipient: 'ann@example.com', state: 'queued' });
    expect(outbox[0]!.sealed_link).not.toContain('invokeAuthenticator');
    expect(response.text).not.toContain('token=');
    // The same job through the Management API.
    const api = await t.get(`${t.realmPath()}/identities/${ann.id}/credential-binding-jobs/${job.id}`);
    expect(api.body).toMatchObject({ id: job.id, delivery_method: 'EMAIL', state: 'LINK_SENT' });
    expect(auditActions(ann.id)[0]).toEqual({ action: 'credential_binding_job.create', actor: ACTOR });

    const listed = listJobsResponse.parse((await client.get(client.realmPath(`/identities/${ann.id}/jobs`))).body);
    expect(listed.jobs.map((j) => j.id)).toEqual([job.id]);
    expect(jobRow.parse((await client.get(client.realmPath(`/identities/${ann.id}/jobs/${job.id}`))).body)).toEqual(job);
  });

  it('refuses an identity without an email address, and an application that cannot bind, with 422 and no job', async () => {
    const noEmail = await createIdentity('noemail', 'No Email');
    const refused = await client.post(client.realmPath(`/identities/${noEmail.id}/jobs`), { application_id: t.tenant.app.application_id });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      code: 'unprocessable_entity',
      message: 'Identity missing email address',
      details: [{ type: 'ResourceInfo', resource_type: 'Identity', id: noEmail.id, description: 'Identity missing email address' }],
    });
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const management = await client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: t.tenant.management.application_id });
    expect(management.status).toBe(422);
    expect(management.body.message).toBe('application has no embedded authenticator config, so it cannot bind passkeys');
    const unknown = await client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: newId() });
    expect(unknown.status).toBe(404);
    expect(t.db.prepare('SELECT count(*) FROM binding_jobs').pluck().get()).toBe(0);
    expect(t.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
  });

  it('revokes a job from the console, with the reason kept', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const { job } = (await client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: t.tenant.app.application_id })).body;
    const revoked = await client.post(client.realmPath(`/identities/${ann.id}/jobs/${job.id}/revoke`));
    expect(revoked.status).toBe(200);
    expect(jobRow.parse(revoked.body)).toMatchObject({ state: 'REVOKED', terminal: true, state_reason: `revoked by ${ACTOR}` });
    t.cloud.deps.repos.bindingJobs.setState(job.id, 'COMPLETE', new Date());
    const done = await client.post(client.realmPath(`/identities/${ann.id}/jobs/${job.id}/revoke`));
    expect(done.status).toBe(409);
  });

  it('"Generate curl" gives the exact RETURN call, with $API_TOKEN and no secret, and it works once the token is filled in', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const response = await client.get(consolePath('bindingLinkCurl', { realm_id: client.realm, identity_id: ann.id }, { application_id: t.tenant.app.application_id }));
    expect(response.status, response.text).toBe(200);
    const curl = bindingLinkCurlResponse.parse(response.body);
    const url = `http://localhost:8787/v1/tenants/${t.tenant.tenant_id}/realms/${t.tenant.realm_id}/identities/${ann.id}/credential-binding-jobs`;
    expect(curl.curl).toBe(
      [
        `curl -sS -X POST '${url}' \\`,
        `  -H "Authorization: Bearer $API_TOKEN" \\`,
        `  -H 'Content-Type: application/json' \\`,
        `  -d '{"job":{"delivery_method":"RETURN","authenticator_config_id":"${t.tenant.app.authenticator_config_id}"}}'`,
      ].join('\n'),
    );
    expect(curl.token_curl).toBe(
      [
        `curl -sS -X POST 'http://localhost:8787/v1/tenants/${t.tenant.tenant_id}/realms/${t.tenant.realm_id}/applications/${t.tenant.management.application_id}/token' \\`,
        `  -u "$CLIENT_ID:$CLIENT_SECRET" \\`,
        `  -d grant_type=client_credentials \\`,
        `  -d 'scope=credential-binding-jobs:create'`,
      ].join('\n'),
    );
    expect(curl.placeholders).toEqual(['$API_TOKEN', '$CLIENT_ID', '$CLIENT_SECRET']);
    for (const secret of [t.tenant.management.api_token, t.tenant.management.client_secret, t.tenant.management.client_id, t.tenant.app.client_secret, client.cookie!, client.session!.csrf_token]) {
      expect(response.text).not.toContain(secret);
    }
    expect(response.text).not.toContain('token=');
    // Generating it created nothing.
    expect(t.db.prepare('SELECT count(*) FROM binding_jobs').pluck().get()).toBe(0);

    // What the curl does, with a real token for $API_TOKEN: a RETURN job and its link.
    const made = await t.post(curl.url.replace('http://localhost:8787', ''), curl.body);
    expect(made.status).toBe(200);
    expect(made.body.credential_binding_link).toMatch(/:invokeAuthenticator\?token=[\w-]{43,}$/);

    const cannot = await client.get(consolePath('bindingLinkCurl', { realm_id: client.realm, identity_id: ann.id }, { application_id: t.tenant.management.application_id }));
    expect(cannot.status).toBe(422);
  });
});

/** Reads a Server-Sent Events response one event at a time. */
async function openEvents(path: string, cookie = client.cookie) {
  const response = await t.cloud.app.request(path, { headers: { cookie: `bindery_console=${cookie}`, accept: 'text/event-stream' } });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  async function next(timeoutMs = 3000): Promise<{ event: string; data: any } | null> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n').filter((line) => !line.startsWith(':'));
        if (lines.length === 0) continue;
        const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
        return { event, data: JSON.parse(data) };
      }
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no event in time')), timeoutMs))),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) return null;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  }
  return { response, next, cancel: () => reader.cancel() };
}

describe('live job state', () => {
  async function emailJob(): Promise<{ identityId: string; job: JobRow; path: string }> {
    const ann = await createIdentity(`ann${newId().slice(0, 4)}`, 'Ann', 'ann@example.com');
    const { job } = (await client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: t.tenant.app.application_id })).body;
    return { identityId: ann.id, job, path: client.realmPath(`/identities/${ann.id}/jobs/${job.id}/events`) };
  }

  it('streams LINK_SENT, then each change, and closes after COMPLETE', async () => {
    const { identityId, job, path } = await emailJob();
    const stream = await openEvents(path);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
    const first = await stream.next();
    expect(first!.event).toBe('job');
    expect(jobRow.parse(first!.data)).toMatchObject({ id: job.id, state: 'LINK_SENT' });

    expect(t.cloud.deps.repos.bindingJobs.markOpened(job.id, new Date())).toBe(true);
    const opened = await stream.next();
    expect(opened).toMatchObject({ event: 'job', data: { id: job.id, state: 'LINK_OPENED', terminal: false } });

    const credentialId = insertCredential(identityId);
    expect(t.cloud.deps.repos.bindingJobs.complete(job.id, credentialId, new Date())).toBe(true);
    const complete = await stream.next();
    expect(complete).toMatchObject({ event: 'job', data: { state: 'COMPLETE', terminal: true, credential_id: credentialId } });
    const end = await stream.next();
    expect(end!.event).toBe('end');
    expect(jobStreamEnd.parse(end!.data)).toEqual({ reason: 'terminal' });
    expect(await stream.next()).toBeNull();
  });

  it('pushes FAILED_TO_SEND with the reason and the SMTP error, then ends', async () => {
    const { job, path } = await emailJob();
    const stream = await openEvents(path);
    expect((await stream.next())!.data.state).toBe('LINK_SENT');
    // What the mail worker does after its last attempt.
    const [claim] = t.cloud.deps.repos.outbox.claimDue(new Date(), 1, 60_000);
    expect(claim?.job_id).toBe(job.id);
    t.cloud.deps.db.transaction(() => {
      expect(t.cloud.deps.repos.outbox.end(claim!, 'failed', 'ECONNREFUSED connect ECONNREFUSED 127.0.0.1:2525', true)).toBe(true);
      t.cloud.deps.repos.bindingJobs.setState(job.id, 'FAILED_TO_SEND', new Date(), 'email could not be sent: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:2525');
    })();
    const failed = await stream.next();
    expect(failed!.data).toMatchObject({
      state: 'FAILED_TO_SEND',
      terminal: true,
      state_reason: 'email could not be sent: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:2525',
      email: { state: 'failed', attempts: 1, last_error: 'ECONNREFUSED connect ECONNREFUSED 127.0.0.1:2525' },
    });
    expect((await stream.next())!.data).toEqual({ reason: 'terminal' });
    expect(await stream.next()).toBeNull();
  });

  it('sends one event for a job already terminal, and ends on sign-out or deletion', async () => {
    const done = await emailJob();
    t.cloud.deps.repos.bindingJobs.setState(done.job.id, 'REVOKED', new Date(), 'revoked by test');
    const finished = await openEvents(done.path);
    expect((await finished.next())!.data).toMatchObject({ state: 'REVOKED', state_reason: 'revoked by test' });
    expect((await finished.next())!.data).toEqual({ reason: 'terminal' });

    const deleted = await emailJob();
    const gone = await openEvents(deleted.path);
    await gone.next();
    expect((await client.del(client.realmPath(`/identities/${deleted.identityId}`))).status).toBe(204);
    expect(await gone.next()).toEqual({ event: 'end', data: { reason: 'gone' } });

    const live = await emailJob();
    const watching = await openEvents(live.path);
    await watching.next();
    expect((await client.del('/console/api/session')).status).toBe(204);
    expect(await watching.next()).toEqual({ event: 'end', data: { reason: 'signed_out' } });
  });

  it('answers 404 JSON, not a stream, for an unknown job', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const response = await client.get(client.realmPath(`/identities/${ann.id}/jobs/${newId()}/events`));
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
  });
});

describe('batch', () => {
  it('sends passkey emails to many identities as one batch job, with per-identity results', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const bob = await createIdentity('bob', 'Bob');
    const cy = await createIdentity('cy', 'Cy', 'cy@example.com');
    const unknown = newId();
    const response = await client.post(client.realmPath('/batch-jobs'), {
      identity_ids: [ann.id, bob.id, unknown, cy.id, ann.id],
      application_id: t.tenant.app.application_id,
    });
    expect(response.status, response.text).toBe(200);
    const batch = batchResponse.parse(response.body);
    expect(batch.batch).toMatchObject({ state: 'PARTIAL_SUCCESS', authenticator_config_id: t.tenant.app.authenticator_config_id });
    expect(batch.results.map((r) => [r.identity_id, r.username, r.job?.state ?? null, r.error])).toEqual([
      [ann.id, 'ann', 'LINK_SENT', null],
      [bob.id, 'bob', null, 'Identity missing email address'],
      [unknown, null, null, 'identity not found'],
      [cy.id, 'cy', 'LINK_SENT', null],
    ]);
    expect(batch.results[0]!.job).toMatchObject({ delivery_method: 'EMAIL', batch_id: batch.batch.id, email: { recipient: 'ann@example.com', state: 'queued' } });
    expect(batch.counts).toEqual({ total: 2, success: 0, failure: 0, pending: 2 });
    expect(t.db.prepare('SELECT recipient FROM outbox ORDER BY rowid').pluck().all()).toEqual(['ann@example.com', 'cy@example.com']);
    // The same batch through the Management API.
    const api = await t.get(`${t.realmPath()}/batch-credential-binding-jobs/${batch.batch.id}`);
    expect(api.body.state).toBe('PARTIAL_SUCCESS');
    expect(auditActions()).toContainEqual({ action: 'batch_credential_binding_job.create', actor: ACTOR });

    t.cloud.deps.repos.bindingJobs.setState(batch.results[0]!.job!.id, 'COMPLETE', new Date());
    const later = batchResponse.parse((await client.get(client.realmPath(`/batch-jobs/${batch.batch.id}`))).body);
    expect(later.results[0]!.job!.state).toBe('COMPLETE');
    expect(later.counts).toEqual({ total: 2, success: 1, failure: 0, pending: 1 });
    expect((await client.get(client.realmPath(`/batch-jobs/${newId()}`))).status).toBe(404);
  });

  it('refuses an empty selection and an application that cannot bind, creating nothing', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const empty = await client.post(client.realmPath('/batch-jobs'), { identity_ids: [], application_id: t.tenant.app.application_id });
    expect(empty.status).toBe(400);
    expect(empty.body.details[0].field_violations).toEqual([{ field: 'identity_ids', description: 'Select at least one identity.' }]);
    const cannot = await client.post(client.realmPath('/batch-jobs'), { identity_ids: [ann.id], application_id: t.tenant.management.application_id });
    expect(cannot.status).toBe(422);
    expect(t.db.prepare('SELECT count(*) FROM batch_jobs').pluck().get()).toBe(0);
  });
});

describe('applications and authenticator configs', () => {
  it('creates and edits them with Beyond Identity bodies, showing a client secret only once', async () => {
    const config = await client.post(client.realmPath('/authenticator-configs'), {
      authenticator_config: {
        display_name: 'Shop (embedded)',
        config: { type: 'embedded', invoke_url: 'https://shop.example.com', trusted_origins: ['https://shop.example.com'], authentication_methods: [{ type: 'software_passkey' }] },
      },
    });
    expect(config.status, config.text).toBe(200);
    const created = authenticatorConfigResponse.parse(config.body);
    expect(created.config).toMatchObject({ invoke_url: 'https://shop.example.com', invocation_type: 'automatic' });

    const edited = await client.patch(client.realmPath(`/authenticator-configs/${created.id}`), {
      authenticator_config: { config: { ...created.config, trusted_origins: ['https://shop.example.com', 'https://www.shop.example.com'] } },
    });
    expect(edited.body.config.trusted_origins).toEqual(['https://shop.example.com', 'https://www.shop.example.com']);
    const badOrigin = await client.patch(client.realmPath(`/authenticator-configs/${created.id}`), {
      authenticator_config: { config: { ...created.config, trusted_origins: ['https://shop.example.com/path'] } },
    });
    expect(badOrigin.status).toBe(400);
    expect(badOrigin.body.details[0].field_violations[0].field).toBe('authenticator_config.config.trusted_origins.0');

    const app = await client.post(client.realmPath('/applications'), {
      application: {
        display_name: 'Shop',
        authenticator_config_id: created.id,
        protocol_config: { type: 'oidc', allowed_scopes: ['openid'], redirect_uris: ['https://shop.example.com/callback'] },
      },
    });
    expect(app.status, app.text).toBe(200);
    const application = applicationResponse.parse(app.body);
    expect(application.protocol_config!.client_secret).toMatch(/^[\w-]{40,}$/);
    const updated = await client.patch(client.realmPath(`/applications/${application.id}`), {
      application: { protocol_config: { redirect_uris: ['https://shop.example.com/cb2'] } },
    });
    expect(updated.body.protocol_config.redirect_uris).toEqual(['https://shop.example.com/cb2']);
    expect(updated.body.protocol_config.client_secret).toBeUndefined();

    const list = listApplicationsResponse.parse((await client.get(client.realmPath('/applications'))).body);
    expect(list.applications.find((a) => a.application.id === application.id)).toMatchObject({ can_bind: true, authenticator_config: { id: created.id } });
    const configs = (await client.get(client.realmPath('/authenticator-configs'))).body.authenticator_configs as { id: string }[];
    expect(configs.map((c) => c.id)).toContain(created.id);
    expect(auditActions().slice(0, 4).reverse()).toEqual([
      { action: 'authenticator_config.create', actor: ACTOR },
      { action: 'authenticator_config.update', actor: ACTOR },
      { action: 'application.create', actor: ACTOR },
      { action: 'application.update', actor: ACTOR },
    ]);
  });
});

describe('API tokens', () => {
  it('creates a token for the Management API application (shown once) that works on the API, lists it, and revokes it', async () => {
    const before = listTokensResponse.parse((await client.get(client.realmPath('/tokens'))).body);
    expect(before.application_id).toBe(t.tenant.management.application_id);
    expect(before.allowed_scopes).toContain('identities:read');
    expect(before.max_lifetime_seconds).toBe(90 * 24 * 3600);
    expect(before.tokens.map((tk) => tk.display_name)).toEqual(['dev-tenant.json']);

    const created = await client.post(client.realmPath('/tokens'), { display_name: 'reader', scopes: ['identities:read', 'identities:read'], lifetime_seconds: 3600 });
    expect(created.status, created.text).toBe(200);
    const { token, access_token } = createTokenResponse.parse(created.body);
    expect(token).toMatchObject({ display_name: 'reader', scopes: ['identities:read'], token_suffix: access_token.slice(-8) });
    expect(Date.parse(token.expire_time) - Date.parse(token.issue_time)).toBe(3600_000);

    expect((await t.get(`${t.realmPath()}/identities`, { token: access_token })).status).toBe(200);
    expect((await t.post(`${t.realmPath()}/identities`, { identity: {} }, { token: access_token })).status).toBe(403);

    const listed = await client.get(client.realmPath('/tokens'));
    expect(listed.body.tokens.map((tk: { id: string }) => tk.id)).toEqual([before.tokens[0]!.id, token.id]);
    expect(listed.text).not.toContain(access_token);
    expect(auditActions()[0]).toEqual({ action: 'token.issue', actor: ACTOR });

    expect((await client.del(client.realmPath(`/tokens/${token.id}`))).status).toBe(204);
    expect((await t.get(`${t.realmPath()}/identities`, { token: access_token })).status).toBe(401);
    expect((await client.get(client.realmPath('/tokens'))).body.tokens).toHaveLength(1);
    expect((await client.del(client.realmPath(`/tokens/${newId()}`))).status).toBe(404);
  });

  it('refuses scopes the application may not grant and a lifetime beyond its maximum', async () => {
    const scopes = await client.post(client.realmPath('/tokens'), { scopes: ['identities:read', 'root:everything'] });
    expect(scopes.status).toBe(400);
    expect(scopes.body.details[0].field_violations).toEqual([{ field: 'scopes', description: 'not allowed for this application: root:everything' }]);
    const long = await client.post(client.realmPath('/tokens'), { scopes: ['identities:read'], lifetime_seconds: 91 * 24 * 3600 });
    expect(long.status).toBe(400);
    expect(long.body.details[0].field_violations[0].field).toBe('lifetime_seconds');
    expect((await client.post(client.realmPath('/tokens'), { scopes: [] })).status).toBe(400);
    expect(t.db.prepare('SELECT count(*) FROM api_tokens').pluck().get()).toBe(1);
  });
});

describe('theme', () => {
  it('updates logos, support URL and email subject, and previews the email with a placeholder link', async () => {
    const saved = await client.patch(client.realmPath('/theme'), {
      theme: { email_subject: 'Your {realm} passkey', logo_url_light: 'https://cdn.example.com/logo.svg', support_url: 'https://help.example.com/' },
    });
    expect(saved.status, saved.text).toBe(200);
    expect(themeResponse.parse(saved.body)).toMatchObject({ email_subject: 'Your {realm} passkey', logo_url_light: 'https://cdn.example.com/logo.svg' });
    expect((await t.get(`${t.realmPath()}/themes/active`)).body.support_url).toBe('https://help.example.com/');
    expect(themeResponse.parse((await client.get(client.realmPath('/theme'))).body)).toEqual(saved.body);

    const preview = emailPreviewResponse.parse((await client.get(client.realmPath('/theme/email-preview'))).body);
    expect(preview.subject).toBe('Your Bindery passkey');
    expect(preview.link).toBe(
      `http://localhost:8787/v1/tenants/${t.tenant.tenant_id}/realms/${t.tenant.realm_id}/identities/IDENTITY_ID/credential-binding-jobs/JOB_ID:invokeAuthenticator?token=PREVIEW`,
    );
    expect(preview.text).toContain(preview.link);
    expect(preview.text).toContain('Help: https://help.example.com/');
    expect(preview.html).toContain('<img src="https://cdn.example.com/logo.svg"');
    expect(preview.html).toContain('href="https://help.example.com/"');

    // Unsaved edits preview without being saved.
    const draft = await client.get(consolePath('emailPreview', { realm_id: client.realm }, { email_subject: 'Draft for {realm}', support_url: 'https://draft.example.com/' }));
    expect(draft.body.subject).toBe('Draft for Bindery');
    expect(draft.body.text).toContain('Help: https://draft.example.com/');
    expect((await client.get(client.realmPath('/theme'))).body.email_subject).toBe('Your {realm} passkey');
    const invalid = await client.get(consolePath('emailPreview', { realm_id: client.realm }, { logo_url_light: 'javascript:alert(1)' }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.details[0].field_violations[0].field).toBe('logo_url_light');

    const html = await client.get(client.realmPath('/theme/email-preview.html'));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toBe(preview.html);
    expect(html.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
    );
    expect(html.headers.get('x-frame-options')).toBeNull();
    expect(auditActions()[0]).toEqual({ action: 'theme.update', actor: ACTOR });
  });
});

describe('activity', () => {
  /** An identity's activity, two events a page, as the console pages through it: each page's actions. */
  async function activityPages(identityId: string): Promise<string[][]> {
    const pages: string[][] = [];
    let before: number | null | undefined;
    do {
      const query = { identity_id: identityId, page_size: 2, ...(before ? { before } : {}) };
      const page = activityResponse.parse((await client.get(consolePath('listActivity', { realm_id: client.realm }, query))).body);
      expect(page.events.every((e) => e.identity_id === identityId)).toBe(true);
      pages.push(page.events.map((e) => e.action));
      before = page.next_before;
    } while (before);
    return pages;
  }

  it('lists the audit log newest first, filtered by identity, by page', async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const bob = await createIdentity('bob', 'Bob', 'bob@example.com');
    await client.patch(client.realmPath(`/identities/${ann.id}`), { display_name: 'Ann E.' });
    await client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: t.tenant.app.application_id });

    const all = activityResponse.parse((await client.get(client.realmPath('/activity'))).body);
    const seqs = all.events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(all.events[0]).toMatchObject({ action: 'credential_binding_job.create', actor: ACTOR, identity_id: ann.id, detail: { delivery_method: 'EMAIL' } });
    expect(all.events.map((e) => e.action)).toContain('console.sign_in');
    expect(all.events.map((e) => e.action)).toContain('seed.create');

    const annOnly = activityResponse.parse((await client.get(consolePath('listActivity', { realm_id: client.realm }, { identity_id: ann.id }))).body);
    expect(annOnly.events.map((e) => [e.action, e.identity_id])).toEqual([
      ['credential_binding_job.create', ann.id],
      ['identity.update', ann.id],
      ['identity.create', ann.id],
    ]);
    expect(annOnly.next_before).toBeNull();

    const page1 = activityResponse.parse((await client.get(consolePath('listActivity', { realm_id: client.realm }, { identity_id: ann.id, page_size: 2 }))).body);
    expect(page1.events.map((e) => e.action)).toEqual(['credential_binding_job.create', 'identity.update']);
    const page2 = activityResponse.parse(
      (await client.get(consolePath('listActivity', { realm_id: client.realm }, { identity_id: ann.id, page_size: 2, before: page1.next_before! }))).body,
    );
    expect(page2.events.map((e) => e.action)).toEqual(['identity.create']);
    expect(page2.next_before).toBeNull();
    expect((await client.get(consolePath('listActivity', { realm_id: client.realm }, { identity_id: bob.id }))).body.events).toHaveLength(1);
    expect((await client.get(consolePath('listActivity', { realm_id: client.realm }, { identity_id: 'x' }))).status).toBe(400);
  });

  it("merges an identity's job creations (found through its jobs) with its other events, in order, page by page", async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const bob = await createIdentity('bob', 'Bob', 'bob@example.com');
    const job = () => client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: t.tenant.app.application_id });
    await job();
    await client.patch(client.realmPath(`/identities/${ann.id}`), { display_name: 'Ann E.' });
    await client.post(client.realmPath(`/identities/${bob.id}/jobs`), { application_id: t.tenant.app.application_id });
    await job();
    await client.patch(client.realmPath(`/identities/${ann.id}`), { display_name: 'Ann F.' });
    await job();

    expect(await activityPages(ann.id)).toEqual([
      ['credential_binding_job.create', 'identity.update'],
      ['credential_binding_job.create', 'identity.update'],
      ['credential_binding_job.create', 'identity.create'],
    ]);
  });

  it("still shows a deleted identity's job creations, whose jobs went with it", async () => {
    const ann = await createIdentity('ann', 'Ann', 'ann@example.com');
    const bob = await createIdentity('bob', 'Bob', 'bob@example.com');
    await client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: t.tenant.app.application_id });
    await client.post(client.realmPath(`/identities/${bob.id}/jobs`), { application_id: t.tenant.app.application_id });
    await client.post(client.realmPath(`/identities/${ann.id}/jobs`), { application_id: t.tenant.app.application_id });
    expect((await client.del(client.realmPath(`/identities/${ann.id}`))).status).toBe(204);

    expect(await activityPages(ann.id)).toEqual([
      ['identity.delete', 'credential_binding_job.create'],
      ['credential_binding_job.create', 'identity.create'],
    ]);
    // Bob, still there, is read the usual way, through his jobs.
    const bobOnly = activityResponse.parse((await client.get(consolePath('listActivity', { realm_id: client.realm }, { identity_id: bob.id }))).body);
    expect(bobOnly.events.map((e) => e.action)).toEqual(['credential_binding_job.create', 'identity.create']);
  });
});

describe('serving the SPA', () => {
  let dist: string;
  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'bindery-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'console.html'), '<!doctype html><title>Console</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'console-AbCd1234.js'), 'console.log("hi")');
    writeFileSync(join(dist, 'assets', 'plain.css'), 'body{}');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  it('serves console.html for every console page, the hashed assets with a long cache, and nothing outside', async () => {
    const { client: c } = await signedInConsole({ distDir: dist });
    for (const path of ['/console', '/console/identities', '/console/identities/0123456789abcdef/jobs']) {
      const page = await c.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text).toContain('<div id="root">');
    }
    const js = await c.get('/assets/console-AbCd1234.js', { cookie: null });
    expect(js.status).toBe(200);
    expect(js.text).toBe('console.log("hi")');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await c.get('/assets/plain.css')).headers.get('cache-control')).toBe('no-cache');
    expect((await c.get('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
    for (const path of ['/assets/..%2Fconsole.html', '/assets/.hidden', '/assets/missing-AbCd1234.js', '/assets/%2e%2e%2fconsole.html']) {
      expect((await c.get(path)).status, path).toBe(404);
    }
  });

  it('answers 503 with the fix when the console is not built', async () => {
    const { client: c } = await signedInConsole({ distDir: join(dist, 'nowhere') });
    const page = await c.get('/console');
    expect(page.status).toBe(503);
    expect(page.text).toContain('npm run build');
  });
});
