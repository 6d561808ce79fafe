import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTransport } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCloud } from '../app';
import type { CloudDeps } from '../deps';
import { openDb } from '../db/open';
import { seedDevTenant } from '../seed';
import { createLogger } from '../../lib/logger';
import { createServer } from 'node:net';
import { APP_ORIGIN, identityBody } from '../test/harness';
import { startMailCapture, type MailCapture } from './capture';
import { createMailWorker, type MailWorker, type MailWorkerOptions } from './worker';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const config = { apiBaseUrl: 'http://localhost:8787', authBaseUrl: 'http://localhost:8787', bindingTokenTtlSeconds: 604800, maxBodyBytes: 262144, jwksBaseUrl: 'https://localhost:8788' };

/** A cloud on a database file, with (optionally) a mail worker sending to `smtpPort` over real SMTP. */
function cloudWithMail(options: { dbFile: string; sealKey: Buffer; smtpPort?: number; maxAttempts?: number; seed?: boolean }) {
  const db = openDb(options.dbFile);
  const cloud = buildCloud({ db, config, log: createLogger({}, { level: 'silent' }), sealKey: options.sealKey });
  cleanups.push(() => db.close());
  const worker = options.smtpPort ? startMailWorker(cloud.deps, options.smtpPort, options.maxAttempts) : undefined;
  const tenant = options.seed === false ? undefined : seedDevTenant(cloud.deps, APP_ORIGIN, new Date());
  return { db, cloud, worker, tenant };
}

/** A mail worker over `deps`, sending to `smtpPort` over real SMTP; stopped (before its database closes) after the test. */
function startMailWorker(deps: CloudDeps, smtpPort: number, maxAttempts = 3): MailWorker {
  const transport = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, connectionTimeout: 2000, greetingTimeout: 2000 });
  cleanups.push(() => transport.close());
  return startWorkerWith(deps, transport, { maxAttempts });
}

/** A started mail worker over `deps` and `transport` with the tests' short timings; stopped after the test. */
function startWorkerWith(deps: CloudDeps, transport: unknown, options: Partial<MailWorkerOptions> = {}): MailWorker {
  const worker = createMailWorker(deps, workerOptions(transport, options));
  worker.start();
  cleanups.push(() => worker.stop());
  return worker;
}

function workerOptions(transport: unknown, options: Partial<MailWorkerOptions>): MailWorkerOptions {
  return { transport: transport as MailWorkerOptions['transport'], from: 'Bindery <no-reply@bindery.localhost>', maxAttempts: 3, retryBaseMs: 20, pollMs: 50, ...options };
}

async function emailJob(cloud: ReturnType<typeof buildCloud>, tenant: { tenant_id: string; realm_id: string; management: { api_token: string }; app: { authenticator_config_id: string } }, username: string) {
  const realm = `/v1/tenants/${tenant.tenant_id}/realms/${tenant.realm_id}`;
  const headers = { authorization: `Bearer ${tenant.management.api_token}`, 'content-type': 'application/json' };
  const identity = (await (await cloud.app.request(`${realm}/identities`, { method: 'POST', headers, body: JSON.stringify(identityBody(username)) })).json()) as { id: string };
  const response = await cloud.app.request(`${realm}/identities/${identity.id}/credential-binding-jobs`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ job: { delivery_method: 'EMAIL', authenticator_config_id: tenant.app.authenticator_config_id } }),
  });
  expect(response.status).toBe(200);
  const { credential_binding_job: job } = (await response.json()) as { credential_binding_job: { id: string; identity_id: string } };
  return { job, realm, headers };
}

/**
 * An EMAIL job for `username` queued by a cloud with no mail worker at all, as if the process
 * died right after the API answered; that cloud's database is closed again.
 */
async function queuedWhileDown(username: string, sealKeyByte: number) {
  const dbFile = tempDb();
  const sealKey = Buffer.alloc(32, sealKeyByte);
  const first = cloudWithMail({ dbFile, sealKey });
  const { job } = await emailJob(first.cloud, first.tenant!, username);
  first.db.close();
  return { dbFile, sealKey, job };
}

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bindery-mail-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'cloud.sqlite');
}

async function capture(options: { delayMs?: number } = {}): Promise<MailCapture> {
  const inbox = await startMailCapture(options);
  cleanups.push(() => inbox.close());
  return inbox;
}

describe('EMAIL delivery', () => {
  it('sends the binding link over SMTP, branded, in HTML and text, and keeps no readable link', async () => {
    const inbox = await capture();
    const { cloud, tenant, db } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 7), smtpPort: inbox.port });
    const { job } = await emailJob(cloud, tenant!, 'ann');
    const message = await inbox.waitFor((m) => m.to.includes('ann@example.com'));
    expect(message.subject).toBe('Set up your passkey for Bindery');
    expect(message.links[0]).toMatch(
      new RegExp(`^http://localhost:8787/v1/tenants/${tenant!.tenant_id}/realms/${tenant!.realm_id}/identities/${job.identity_id}/credential-binding-jobs/${job.id}:invokeAuthenticator\\?token=[\\w-]{43,}$`),
    );
    expect(message.html).toContain('https://static.bindery.invalid/logo-light.svg');
    expect(message.html).toContain('https://bindery.invalid/support');
    expect(message.html).toContain(message.links[0]!.replace(/&/g, '&#38;'));
    expect(message.text).toContain('Help: https://bindery.invalid/support');

    const token = new URL(message.links[0]!).searchParams.get('token')!;
    await expect.poll(() => (db.prepare('SELECT state FROM outbox WHERE job_id = ?').pluck().get(job.id))).toBe('sent');
    const dump = JSON.stringify(db.prepare('SELECT * FROM outbox').all()) + JSON.stringify(db.prepare('SELECT * FROM binding_jobs').all());
    expect(dump).not.toContain(token);
    expect(db.prepare('SELECT sealed_link FROM outbox WHERE job_id = ?').pluck().get(job.id)).toBeNull();
  });

  it('uses the theme’s email subject', async () => {
    const inbox = await capture();
    const { cloud, tenant } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 1), smtpPort: inbox.port });
    const realm = `/v1/tenants/${tenant!.tenant_id}/realms/${tenant!.realm_id}`;
    const headers = { authorization: `Bearer ${tenant!.management.api_token}`, 'content-type': 'application/json' };
    const theme = (await (await cloud.app.request(`${realm}/themes/active`, { headers })).json()) as { id: string };
    const patched = await cloud.app.request(`${realm}/themes/${theme.id}`, { method: 'PATCH', headers, body: JSON.stringify({ theme: { email_subject: 'Your {realm} passkey' } }) });
    expect(patched.status).toBe(200);
    await emailJob(cloud, tenant!, 'bea');
    expect((await inbox.waitFor((m) => m.to.includes('bea@example.com'))).subject).toBe('Your Bindery passkey');
  });

  it('answers without waiting for a slow mail server', async () => {
    const inbox = await capture({ delayMs: 1500 });
    const { cloud, tenant } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 2), smtpPort: inbox.port });
    await emailJob(cloud, tenant!, 'cy');
    // The job exists and the API has answered, while the message is still in flight.
    expect(inbox.messages()).toHaveLength(0);
    await inbox.waitFor((m) => m.to.includes('cy@example.com'), 5000);
  });

  it('retries, then sets FAILED_TO_SEND with the reason when SMTP stays down', async () => {
    const closedPort = await unusedPort();
    const { cloud, tenant, db } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 3), smtpPort: closedPort!, maxAttempts: 3 });
    const { job, realm, headers } = await emailJob(cloud, tenant!, 'dan');
    const read = async () =>
      ((await (await cloud.app.request(`${realm}/identities/${job.identity_id}/credential-binding-jobs/${job.id}`, { headers })).json()) as { state: string }).state;
    await expect.poll(read, { timeout: 5000 }).toBe('FAILED_TO_SEND');
    const row = db.prepare('SELECT * FROM outbox WHERE job_id = ?').get(job.id) as { state: string; attempts: number; last_error: string; sealed_link: string | null };
    expect(row).toMatchObject({ state: 'failed', attempts: 3, sealed_link: null });
    expect(row.last_error).toMatch(/ECONNREFUSED/);
    expect(db.prepare('SELECT state_reason FROM binding_jobs WHERE id = ?').pluck().get(job.id)).toMatch(/^email could not be sent: .*ECONNREFUSED/);
    const events = cloud.deps.repos.audit.list(tenant!.tenant_id, { identityId: job.identity_id });
    expect(events[0]).toMatchObject({ action: 'credential_binding_job.send_failed', resource_id: job.id });
  });

  it('fails a job at once, without retrying, when the mail server refuses its address for good (550)', async () => {
    const inbox = await capture();
    const { cloud, tenant, db } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 7), smtpPort: inbox.port, maxAttempts: 5 });
    const realm = `/v1/tenants/${tenant!.tenant_id}/realms/${tenant!.realm_id}`;
    const headers = { authorization: `Bearer ${tenant!.management.api_token}`, 'content-type': 'application/json' };
    const created = await cloud.app.request(`${realm}/identities`, { method: 'POST', headers, body: JSON.stringify(identityBody('gone', { email: 'gone@undeliverable.invalid' })) });
    const identity = (await created.json()) as { id: string };
    const response = await cloud.app.request(`${realm}/identities/${identity.id}/credential-binding-jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ job: { delivery_method: 'EMAIL', authenticator_config_id: tenant!.app.authenticator_config_id } }),
    });
    const { credential_binding_job: job } = (await response.json()) as { credential_binding_job: { id: string } };
    const state = () => db.prepare('SELECT state FROM binding_jobs WHERE id = ?').pluck().get(job.id);
    await expect.poll(state, { timeout: 5000 }).toBe('FAILED_TO_SEND');
    // One attempt of the five allowed: a 5xx is final.
    expect(db.prepare('SELECT state, attempts FROM outbox WHERE job_id = ?').get(job.id)).toEqual({ state: 'failed', attempts: 1 });
    expect(db.prepare('SELECT state_reason FROM binding_jobs WHERE id = ?').pluck().get(job.id)).toMatch(/^email could not be sent: .*550 .*no such mailbox/);
    expect(inbox.messages()).toEqual([]);
  });

  it('retries a temporary refusal (4xx), then sends', async () => {
    const { cloud, tenant, db } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 8) });
    let calls = 0;
    // Greylisting, as many mail servers do to a first attempt: 451, then accepted.
    const transport = {
      sendMail: async () => {
        if (++calls === 1) throw Object.assign(new Error('451 4.7.1 greylisted, try again later'), { code: 'EENVELOPE', responseCode: 451 });
        return { messageId: 'x' };
      },
    };
    startWorkerWith(cloud.deps, transport, { maxAttempts: 5 });
    const { job } = await emailJob(cloud, tenant!, 'grey');
    await expect.poll(() => db.prepare('SELECT state, attempts FROM outbox WHERE job_id = ?').get(job.id), { timeout: 5000 }).toEqual({ state: 'sent', attempts: 2 });
    expect(calls).toBe(2);
    expect(db.prepare('SELECT state FROM binding_jobs WHERE id = ?').pluck().get(job.id)).toBe('LINK_SENT');
  });

  it('does not mail a job revoked before its email went out', async () => {
    const dbFile = tempDb();
    const sealKey = Buffer.alloc(32, 4);
    const first = cloudWithMail({ dbFile, sealKey });
    const { job, realm, headers } = await emailJob(first.cloud, first.tenant!, 'eve');
    await first.cloud.app.request(`${realm}/identities/${job.identity_id}/credential-binding-jobs/${job.id}:revoke`, { method: 'POST', headers });
    const inbox = await capture();
    const second = cloudWithMail({ dbFile, sealKey, smtpPort: inbox.port, seed: false });
    await second.worker!.idle();
    await expect.poll(() => second.db.prepare('SELECT state FROM outbox WHERE job_id = ?').pluck().get(job.id)).toBe('cancelled');
    expect(inbox.messages()).toHaveLength(0);
  });

  it('sends after a restart what was queued before it', async () => {
    const { dbFile, sealKey, job } = await queuedWhileDown('fay', 5);
    const inbox = await capture();
    cloudWithMail({ dbFile, sealKey, smtpPort: inbox.port, seed: false });
    const message = await inbox.waitFor((m) => m.to.includes('fay@example.com'));
    expect(message.links[0]).toContain(`/credential-binding-jobs/${job.id}:invokeAuthenticator?token=`);
  });
});

/**
 * A mail server whose answer waits until told: `sending` resolves with the message once the
 * worker hands it over, and `refuse` then fails that send (ECONNREFUSED).
 */
function heldSend() {
  let handed!: (message: { text: string }) => void;
  let refuse!: () => void;
  const sending = new Promise<{ text: string }>((resolve) => (handed = resolve));
  const transport = {
    sendMail: (message: { text: string }) => {
      handed(message);
      return new Promise<never>((_resolve, reject) => (refuse = () => reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))));
    },
  };
  // Also when the test fails early: the worker's stop() waits for the send in flight.
  cleanups.push(() => refuse?.());
  return { transport, sending, refuse: () => refuse() };
}

/** What a person's SDK does with the emailed link: `:bind` with a fresh P-256 key's proof. */
async function bindWith(cloud: ReturnType<typeof buildCloud>, link: URL, job: { identity_id: string }, tenant: { tenant_id: string; realm_id: string }) {
  const token = link.searchParams.get('token')!;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  const raw = await new SignJWT({ sub: `CN=${job.identity_id}, OU=${tenant.realm_id}, O=${tenant.tenant_id}`, token })
    .setProtectedHeader({ alg: 'ES256', jwk: { kty: kty!, crv: crv!, x: x!, y: y! } })
    .sign(privateKey);
  const jobPath = link.pathname.replace(/:invokeAuthenticator$/, '');
  return cloud.app.request(`${jobPath}:bind`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'JWT', raw }),
  });
}

describe('EMAIL delivery when the job moves on while its last send fails', () => {
  // The worker reads the job before it sends, and marks it FAILED_TO_SEND after the last attempt
  // fails. Whatever committed in between stands: FAILED_TO_SEND says the email never arrived.
  it.each([
    ['bound (COMPLETE, its credential ACTIVE)', 'bind', 'COMPLETE'],
    ['revoked', 'revoke', 'REVOKED'],
    // Opened: the link reached the person (an earlier copy went through); the link is in use.
    ['opened by a person (LINK_OPENED)', 'open', 'LINK_OPENED'],
  ] as const)('leaves a job %s during the send as it is', async (_what, move, state) => {
    const { cloud, tenant, db } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 12) });
    const { job, realm, headers } = await emailJob(cloud, tenant!, 'mo');
    const send = heldSend();
    startWorkerWith(cloud.deps, send.transport, { maxAttempts: 1 });
    const message = await send.sending;
    const link = new URL(/\S+:invokeAuthenticator\?token=\S+/.exec(message.text)![0]);

    let credentialId: string | undefined;
    if (move === 'bind') {
      const bound = await bindWith(cloud, link, job, tenant!);
      expect(bound.status).toBe(200);
      credentialId = ((await bound.json()) as { id: string }).id;
    } else if (move === 'revoke') {
      const revoked = await cloud.app.request(`${realm}/identities/${job.identity_id}/credential-binding-jobs/${job.id}:revoke`, { method: 'POST', headers });
      expect(revoked.status).toBe(200);
    } else {
      const opened = await cloud.app.request(link.pathname + link.search, { headers: { accept: 'text/html' } });
      expect(opened.status).toBe(302);
    }
    const before = db.prepare('SELECT state, state_reason, update_time FROM binding_jobs WHERE id = ?').get(job.id) as { state: string };
    expect(before.state).toBe(state);

    send.refuse();
    await expect.poll(() => db.prepare('SELECT state FROM outbox WHERE job_id = ?').pluck().get(job.id)).toBe('failed');
    // The message failed, and says so; the job is as the bind, revocation or opening left it.
    expect(db.prepare('SELECT last_error FROM outbox WHERE job_id = ?').pluck().get(job.id)).toMatch(/ECONNREFUSED/);
    expect(db.prepare('SELECT state, state_reason, update_time FROM binding_jobs WHERE id = ?').get(job.id)).toEqual(before);
    const read = await cloud.app.request(`${realm}/identities/${job.identity_id}/credential-binding-jobs/${job.id}`, { headers });
    expect(((await read.json()) as { state: string }).state).toBe(state);
    if (credentialId) {
      expect(db.prepare('SELECT state FROM credentials WHERE id = ?').pluck().get(credentialId)).toBe('ACTIVE');
    }
    const actions = cloud.deps.repos.audit.list(tenant!.tenant_id, { identityId: job.identity_id }).map((e) => e.action);
    expect(actions).not.toContain('credential_binding_job.send_failed');
  });
});

describe('FAILED_TO_SEND, as the repository applies it', () => {
  it('applies to a job still LINK_SENT and unexpired only: an expired job keeps reading EXPIRED', async () => {
    const { cloud, tenant, db } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 13) });
    const jobs = cloud.deps.repos.bindingJobs;
    const { job: expiring } = await emailJob(cloud, tenant!, 'nia');
    const { job: waiting } = await emailJob(cloud, tenant!, 'oz');
    const expireTime = Date.parse(jobs.getById(expiring.id, new Date())!.expire_time);
    expect(jobs.markFailedToSend(expiring.id, new Date(expireTime), 'email could not be sent: late')).toBe(false);
    expect(jobs.getById(expiring.id, new Date(expireTime))!.state).toBe('EXPIRED');
    expect(jobs.markFailedToSend(waiting.id, new Date(), 'email could not be sent: refused')).toBe(true);
    expect(db.prepare('SELECT state, state_reason FROM binding_jobs WHERE id = ?').get(waiting.id)).toEqual({ state: 'FAILED_TO_SEND', state_reason: 'email could not be sent: refused' });
    // Final: a second failure changes nothing.
    expect(jobs.markFailedToSend(waiting.id, new Date(), 'again')).toBe(false);
  });
});

describe('EMAIL delivery when the commit after sending fails', () => {
  it('does not count it as an SMTP failure: the message stays leased, to go again when the lease runs out', async () => {
    const inbox = await capture();
    const { cloud, tenant, db } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 7) });
    const { job } = await emailJob(cloud, tenant!, 'hal');
    // A seam on the group commit: the worker's first write claims the message, its second marks it sent.
    const write = cloud.deps.write;
    let writes = 0;
    cloud.deps.write = ((fn: () => unknown) => (++writes === 2 ? Promise.reject(new Error('disk I/O error')) : write(fn))) as typeof write;
    const worker = startMailWorker(cloud.deps, inbox.port);
    await inbox.waitFor((m) => m.to.includes('hal@example.com'), 3000);
    await expect.poll(() => writes).toBeGreaterThanOrEqual(2);
    // Idle: the leased message is not due again before its lease ends, so the worker only polls
    // (every 50 ms here) instead of claiming it over and over.
    await worker.idle();
    const before = writes;
    await new Promise((resolve) => setTimeout(resolve, 250));
    // An upper bound only, so a slow machine cannot fail it (fewer polls): polling every 50 ms
    // writes about 5 times here, a worker claiming the leased message over and over hundreds.
    expect(writes - before).toBeLessThan(10);
    const row = db.prepare('SELECT state, attempts, last_error, lease_until FROM outbox WHERE job_id = ?').get(job.id) as { state: string; attempts: number; last_error: string | null; lease_until: string | null };
    expect(row).toMatchObject({ state: 'queued', attempts: 0, last_error: null });
    expect(row.lease_until).not.toBeNull();
    expect(inbox.messages()).toHaveLength(1);
  });
});

describe('EMAIL delivery when a send outlives its lease', () => {
  it("leaves the message to the worker that claimed it since: sent once by that one, and the job not failed", async () => {
    const { dbFile, sealKey, job } = await queuedWhileDown('ida', 8);
    // Worker A's mail server refuses at once, but its "failed" commit waits until told (a seam
    // on the group commit: its first write claims, its second ends the message); its lease
    // (100 ms) runs out meanwhile.
    const slow = cloudWithMail({ dbFile, sealKey, seed: false });
    const write = slow.cloud.deps.write;
    let writes = 0;
    let commitA!: () => void;
    const held = new Promise<void>((resolve) => (commitA = resolve));
    slow.cloud.deps.write = ((fn: () => unknown) => (++writes === 2 ? held.then(() => write(fn)) : write(fn))) as typeof write;
    const refusing = { sendMail: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) };
    const workerA = startWorkerWith(slow.cloud.deps, refusing, { maxAttempts: 1, leaseMs: 100 });
    // Runs before its stop: a failed test must not leave A waiting for its commit.
    cleanups.push(() => commitA());
    await expect.poll(() => writes).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 150));

    // Worker B claims the message once A's lease ran out, and sends it.
    const inbox = await capture();
    const other = cloudWithMail({ dbFile, sealKey, smtpPort: inbox.port, seed: false });
    await inbox.waitFor((m) => m.to.includes('ida@example.com'), 3000);
    await expect.poll(() => other.db.prepare('SELECT state FROM outbox WHERE job_id = ?').pluck().get(job.id)).toBe('sent');

    // A's "failed" (its last attempt) then commits: it must not fail the job B's email went out for.
    commitA();
    await workerA.stop();
    expect(other.db.prepare('SELECT state, attempts, last_error FROM outbox WHERE job_id = ?').get(job.id)).toEqual({ state: 'sent', attempts: 1, last_error: null });
    expect(other.db.prepare('SELECT state FROM binding_jobs WHERE id = ?').pluck().get(job.id)).toBe('LINK_SENT');
    expect(inbox.messages()).toHaveLength(1);
  });

  it('counts a send with no answer within half its lease as a failed attempt', async () => {
    const { cloud, tenant, db } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 10) });
    const { job } = await emailJob(cloud, tenant!, 'lu');
    const silent = { sendMail: () => new Promise<never>(() => undefined) };
    startWorkerWith(cloud.deps, silent, { maxAttempts: 1, leaseMs: 200 });
    await expect.poll(() => db.prepare('SELECT state FROM binding_jobs WHERE id = ?').pluck().get(job.id)).toBe('FAILED_TO_SEND');
    expect(db.prepare('SELECT state, attempts, last_error FROM outbox WHERE job_id = ?').get(job.id)).toEqual({
      state: 'failed',
      attempts: 1,
      last_error: 'ETIMEDOUT no answer from the mail server within 100 ms',
    });
  });

  it('refuses a lease that is not above 0', () => {
    const { cloud } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 11) });
    for (const leaseMs of [0, -1, Number.NaN]) {
      expect(() => createMailWorker(cloud.deps, workerOptions({}, { leaseMs }))).toThrow(RangeError);
    }
  });

  it('applies a retry or an end only under the lease it was claimed with; "sent" from either sender', async () => {
    // Two queued messages, no mail worker: this test claims and marks as workers would.
    const { db, cloud, tenant } = cloudWithMail({ dbFile: tempDb(), sealKey: Buffer.alloc(32, 9) });
    for (const username of ['jo', 'kim']) await emailJob(cloud, tenant!, username);
    const outbox = cloud.deps.repos.outbox;
    const ids = db.prepare('SELECT id FROM outbox ORDER BY rowid').pluck().all() as string[];
    expect(ids).toHaveLength(2);
    const t0 = new Date(Date.now() + 1000);
    const claimed = (claims: ReturnType<typeof outbox.claimDue>) => ids.map((id) => claims.find((claim) => claim.id === id)!);
    const first = claimed(outbox.claimDue(t0, 2, 1000));
    expect(first.every(Boolean)).toBe(true);
    expect(outbox.claimDue(t0, 2, 1000)).toEqual([]);

    // Both leases ran out; another sender holds them now.
    const later = new Date(t0.getTime() + 2000);
    const second = claimed(outbox.claimDue(later, 2, 1000));
    const row = (id: string) => db.prepare('SELECT state, attempts, last_error, lease_until, next_attempt_time FROM outbox WHERE id = ?').get(id);
    const before = ids.map(row);
    expect(outbox.markRetry(first[0]!, 'timeout', later)).toBe(false);
    expect(outbox.end(first[1]!, 'failed', 'timeout', true)).toBe(false);
    expect(ids.map(row)).toEqual(before);

    // The first sender's message did go out: that stands, and the second sender's marks no longer apply.
    expect(outbox.markSent(first[0]!, later)).toBe(true);
    expect(outbox.markRetry(second[0]!, 'timeout', later)).toBe(false);
    expect(outbox.end(second[0]!, 'failed', 'timeout', true)).toBe(false);
    expect(outbox.markSent(second[0]!, later)).toBe(false);
    expect(outbox.end(second[1]!, 'cancelled', 'job is REVOKED', false)).toBe(true);
    expect(ids.map(row)).toMatchObject([
      { state: 'sent', attempts: 1, last_error: null, lease_until: null },
      { state: 'cancelled', attempts: 0, last_error: 'job is REVOKED', lease_until: null },
    ]);
  });
});

describe('EMAIL delivery while another process holds the write lock', () => {
  // With CLOUD_WORKERS > 1 the mail worker runs in the primary while HTTP
  // workers write. Its claims and marks go through the group commit, which
  // retries on a timer; a plain transaction would sleep in SQLite's busy
  // handler, and the timer below that releases the lock would never fire
  // until the 5 s busy timeout gave up (server/cloud/http/write-lock.test.ts).
  it('claims, sends and marks the message without stalling the event loop', async () => {
    const { dbFile, sealKey, job } = await queuedWhileDown('gus', 6);
    const inbox = await capture();
    const second = cloudWithMail({ dbFile, sealKey, seed: false });
    const other = new Database(dbFile);
    other.prepare('BEGIN IMMEDIATE').run();
    // The event loop keeps turning while the lock is held: a timer ticks, and the one that
    // releases the lock fires (in SQLite's sleeping busy wait, neither would until it gave up).
    let ticks = 0;
    let ticksWhileHeld = -1;
    const ticker = setInterval(() => ticks++, 5);
    let release: NodeJS.Timeout | undefined;
    const released = new Promise((resolve) =>
      (release = setTimeout(() => {
        ticksWhileHeld = ticks;
        resolve(other.prepare('ROLLBACK').run());
      }, 300)),
    );
    // Also when the test fails early: no ROLLBACK on a closed connection after the test.
    cleanups.push(() => {
      clearInterval(ticker);
      clearTimeout(release);
      other.close();
    });

    startMailWorker(second.cloud.deps, inbox.port);
    // While the lock is held, nothing is claimed yet.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(second.db.prepare('SELECT state, lease_until FROM outbox WHERE job_id = ?').get(job.id)).toEqual({ state: 'queued', lease_until: null });
    await released;
    await inbox.waitFor((m) => m.to.includes('gus@example.com'), 3000);
    await expect.poll(() => second.db.prepare('SELECT state FROM outbox WHERE job_id = ?').pluck().get(job.id)).toBe('sent');
    expect(ticksWhileHeld).toBeGreaterThan(10);
  });
});

/** A loopback port with nothing listening on it (a mail server that is down). */
function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
