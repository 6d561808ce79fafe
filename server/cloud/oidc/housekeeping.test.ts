import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashSecret, newId } from '../../lib/ids';
import { createLogger } from '../../lib/logger';
import { buildCloud } from '../app';
import { readCloudConfig } from '../config';
import type { CloudDeps } from '../deps';
import { openDb } from '../db/open';
import { ensureDevTenant } from '../seed';
import { startCloud } from '../server';
import { APP_ORIGIN, createTestCloud, identityBody, type TestCloud } from '../test/harness';
import { startOidcHousekeeping, sweepExpiredOidc, type OidcHousekeeping } from './housekeeping';

/**
 * The purge of expired sign-in rows: authorize transactions, authorization codes and access
 * tokens. Each test has its own in-process cloud on a fresh in-memory database and moves its
 * clock; sign-ins go through the real endpoints, bulk rows through the repository.
 */

let t: TestCloud;
let running: OidcHousekeeping | undefined;
beforeEach(() => {
  t = createTestCloud();
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const MINUTE = 60_000;
const REDIRECT_URI = `${APP_ORIGIN}/auth/callback`;
const issuerPath = () => `${t.realmPath()}/applications/${t.tenant.app.application_id}`;
const now = () => t.cloud.deps.clock();
const count = (table: string) => t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
const counts = () => ({ transactions: count('oidc_transactions'), codes: count('oidc_codes'), accessTokens: count('oidc_access_tokens') });
const sweep = (batch = 500) => sweepExpiredOidc(t.cloud.deps, { batch, clock: t.cloud.deps.clock });
const oidc = (method: string, path: string, opts: { headers?: Record<string, string>; rawBody?: string } = {}) =>
  t.request(method, path, { token: null, conformance: false, ...opts });

// ---------------------------------------------------------------- a sign-in through the endpoints

interface Passkey {
  identityId: string;
  credentialId: string;
  kid: string;
  privateKey: CryptoKey;
  sub: string;
}

/** An identity with a passkey bound through the binding protocol. */
async function enrol(username = 'ann'): Promise<Passkey> {
  const identity = await t.post(`${t.realmPath()}/identities`, identityBody(username));
  expect(identity.status).toBe(200);
  const job = await t.post(`${t.realmPath()}/identities/${identity.body.id}/credential-binding-jobs`, {
    job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id },
  });
  expect(job.status).toBe(200);
  const link = new URL(job.body.credential_binding_link);
  const token = link.searchParams.get('token')!;
  const sub = `CN=${identity.body.id}, OU=${t.tenant.realm_id}, O=${t.tenant.tenant_id}`;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const full = await exportJWK(publicKey);
  const publicJwk: JWK = { kty: full.kty!, crv: full.crv!, x: full.x!, y: full.y! };
  const raw = await new SignJWT({ sub, token }).setProtectedHeader({ alg: 'ES256', jwk: publicJwk }).sign(privateKey);
  const bound = await t.post(`${link.pathname.replace(/:invokeAuthenticator$/, '')}:bind`, { type: 'JWT', raw }, {
    token: null,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(bound.status).toBe(200);
  return { identityId: identity.body.id, credentialId: bound.body.id, kid: await calculateJwkThumbprint(publicJwk, 'sha256'), privateKey, sub };
}

/** `GET /authorize` (S256 PKCE): the transaction's id, the prove claims and the verifier. */
async function authorize() {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: t.tenant.app.client_id,
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const response = await oidc('GET', `${issuerPath()}/authorize?${query}`);
  expect(response.status).toBe(302);
  const claims = decodeJwt(new URL(response.headers.get('location')!).searchParams.get('request')!) as {
    transaction_id: string;
    authn: { action: { prove: { transaction_id: string; nonce: string } } };
  };
  return { transactionId: claims.transaction_id, prove: claims.authn.action.prove, verifier };
}

/** The passkey's proof at `bi-authenticate`, as the SDK posts it; answers the code. */
async function prove(passkey: Passkey, started: Awaited<ReturnType<typeof authorize>>): Promise<string> {
  const iat = Math.floor(now().getTime() / 1000);
  const jwt = await new SignJWT({
    iss: passkey.credentialId,
    sub: passkey.sub,
    aud: [`http://localhost:8787${issuerPath()}/bi-authenticate`],
    exp: iat + 60,
    nbf: iat,
    iat,
    jti: randomBytes(12).toString('hex'),
    bi_tid: started.prove.transaction_id,
    bi_non: started.prove.nonce,
    bi_prf: randomBytes(16).toString('base64url'),
    bi_pol_ver: 'v3',
    flow_type: 'embedded',
  })
    .setProtectedHeader({ alg: 'ES256', kid: passkey.kid })
    .sign(passkey.privateKey);
  const response = await oidc('POST', `${issuerPath()}/bi-authenticate`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: APP_ORIGIN },
    rawBody: `claims=${JSON.stringify({ Jwt: jwt })}`,
  });
  expect(response.body).toMatchObject({ type: 'allow' });
  return response.body.code as string;
}

const exchange = (code: string, verifier: string) =>
  oidc('POST', `${issuerPath()}/token`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${t.tenant.app.client_id}:${t.tenant.app.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    rawBody: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI }).toString(),
  });

const userinfo = (accessToken: string) => oidc('GET', `${issuerPath()}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });

/** A whole sign-in: the transaction, its code and the access token the code was exchanged for. */
async function signIn(passkey: Passkey) {
  const started = await authorize();
  const code = await prove(passkey, started);
  const tokens = await exchange(code, started.verifier);
  expect(tokens.status).toBe(200);
  return { transactionId: started.transactionId, code, verifier: started.verifier, accessToken: tokens.body.access_token as string };
}

const hasTransaction = (id: string) => t.cloud.deps.repos.oidc.getTransaction(id) !== undefined;
const hasCode = (code: string) => t.cloud.deps.repos.oidc.getCode(hashSecret(code)) !== undefined;
const hasAccessToken = (token: string) => count(`oidc_access_tokens WHERE token_hash = '${hashSecret(token)}'`) === 1;

// ---------------------------------------------------------------- rows written directly, in bulk

/**
 * `n` chains written through the repository, each expiring `expiresInMs` from now: a
 * transaction, and with `codes` a code on it, and with `tokens` an access token of that code.
 */
function insertChains(n: number, expiresInMs: number, options: { codes?: boolean; tokens?: boolean; identityId: string }) {
  const repo = t.cloud.deps.repos.oidc;
  const time = now();
  const expire_time = new Date(time.getTime() + expiresInMs).toISOString();
  const create_time = time.toISOString();
  t.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = newId();
      repo.insertTransaction({
        id, tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, application_id: t.tenant.app.application_id, redirect_uri: REDIRECT_URI,
        client_state: null, client_nonce: null, code_challenge: null, code_challenge_method: null, scope: 'openid', bi_nonce: 'n', expire_time, create_time,
      });
      if (!options.codes && !options.tokens) continue;
      const code_hash = hashSecret(randomBytes(32).toString('base64url'));
      repo.insertCode({
        code_hash, transaction_id: id, application_id: t.tenant.app.application_id, identity_id: options.identityId, credential_id: 'c', auth_time: 0, expire_time, create_time,
      });
      if (!options.tokens) continue;
      repo.insertAccessToken({
        token_hash: hashSecret(randomBytes(32).toString('base64url')), code_hash, application_id: t.tenant.app.application_id, identity_id: options.identityId,
        scope: 'openid', expire_time, create_time,
      });
    }
  })();
}

async function someIdentity(): Promise<string> {
  const identity = await t.post(`${t.realmPath()}/identities`, identityBody(`user-${randomBytes(4).toString('hex')}`));
  expect(identity.status).toBe(200);
  return identity.body.id as string;
}

// ================================================================= tests

describe('purging expired sign-in rows', () => {
  it('deletes expired transactions, codes and access tokens, and keeps the unexpired ones', async () => {
    const ann = await enrol();
    const abandoned = await authorize(); // never proved: its transaction expires after 5 minutes
    const done = await signIn(ann); // code expires after 60 s, the access token after 3600 s
    expect(counts()).toEqual({ transactions: 2, codes: 1, accessTokens: 1 });

    // Nothing has expired yet.
    expect(await sweep()).toEqual({ accessTokens: 0, codes: 0, transactions: 0 });
    expect(counts()).toEqual({ transactions: 2, codes: 1, accessTokens: 1 });

    t.advance(6 * MINUTE);
    const fresh = await authorize();
    expect(await sweep()).toEqual({ accessTokens: 0, codes: 0, transactions: 1 });
    expect(hasTransaction(abandoned.transactionId)).toBe(false);
    expect(hasTransaction(fresh.transactionId)).toBe(true);
    // The signed-in chain stays while its access token lives (below).
    expect(hasTransaction(done.transactionId)).toBe(true);
    expect(hasCode(done.code)).toBe(true);
    expect((await userinfo(done.accessToken)).status).toBe(200);

    // The access token has expired, and with it the whole chain goes in one sweep; `fresh` has
    // expired too, and one more started now has not.
    t.advance(60 * MINUTE);
    const later = await authorize();
    expect(await sweep()).toEqual({ accessTokens: 1, codes: 1, transactions: 2 });
    expect(hasAccessToken(done.accessToken)).toBe(false);
    expect(hasCode(done.code)).toBe(false);
    expect(hasTransaction(done.transactionId)).toBe(false);
    expect(hasTransaction(fresh.transactionId)).toBe(false);
    expect(hasTransaction(later.transactionId)).toBe(true);
    expect(counts()).toEqual({ transactions: 1, codes: 0, accessTokens: 0 });
  });

  it('keeps a code while the access token it issued lives, so that a replay after the sweep still revokes that token', async () => {
    const ann = await enrol();
    const done = await signIn(ann);
    t.advance(10 * MINUTE); // the code and its transaction have expired; the token has not
    await sweep();
    expect(hasCode(done.code)).toBe(true);
    expect(hasTransaction(done.transactionId)).toBe(true);
    expect((await userinfo(done.accessToken)).status).toBe(200);

    const replay = await exchange(done.code, done.verifier);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'authorization code already used' });
    expect((await userinfo(done.accessToken)).status).toBe(401);
    const audit = t.cloud.deps.repos.audit.list(t.tenant.tenant_id, { limit: 1 })[0]!;
    expect(audit).toMatchObject({ action: 'sign_in.code_replay', identity_id: ann.identityId, detail: { revoked_tokens: 1 } });

    // Revoked, the token is kept until it expires (and its code with it); then all of it goes.
    await sweep();
    expect(hasCode(done.code)).toBe(true);
    t.advance(60 * MINUTE);
    expect(await sweep()).toEqual({ accessTokens: 1, codes: 1, transactions: 1 });
  });

  it('keeps an expired transaction while a code refers to it: the code can still be exchanged', async () => {
    const ann = await enrol();
    const started = await authorize();
    t.advance(4.5 * MINUTE); // proved late in the transaction's 5 minutes
    const code = await prove(ann, started);
    t.advance(40_000); // the transaction has expired, its code (60 s) has not
    expect(await sweep()).toEqual({ accessTokens: 0, codes: 0, transactions: 0 });
    expect(hasTransaction(started.transactionId)).toBe(true);
    expect(hasCode(code)).toBe(true);

    const tokens = await exchange(code, started.verifier);
    expect(tokens.status).toBe(200);
    expect((await userinfo(tokens.body.access_token)).status).toBe(200);
  });

  it('deletes an expired code that was never exchanged, then its transaction, in one sweep', async () => {
    const ann = await enrol();
    const started = await authorize();
    const code = await prove(ann, started);
    t.advance(6 * MINUTE);
    expect(await sweep()).toEqual({ accessTokens: 0, codes: 1, transactions: 1 });
    expect(hasCode(code)).toBe(false);
    expect(hasTransaction(started.transactionId)).toBe(false);
  });

  it('purges more rows than one batch in one sweep, each batch a write of its own, until a batch comes back short', async () => {
    const identityId = await someIdentity();
    insertChains(250, MINUTE, { tokens: true, identityId }); // 250 each of tokens, codes and transactions
    insertChains(120, MINUTE, { codes: true, identityId }); // 120 codes and transactions, no token
    insertChains(130, MINUTE, { identityId }); // 130 transactions alone
    insertChains(7, 60 * MINUTE, { tokens: true, identityId }); // not expired
    t.advance(2 * MINUTE);

    const writes: number[] = [];
    const write = t.cloud.deps.write;
    const deps: Pick<CloudDeps, 'repos' | 'write'> = {
      repos: t.cloud.deps.repos,
      write: ((fn: () => number) => write(fn).then((deleted) => (writes.push(deleted), deleted))) as CloudDeps['write'],
    };
    const purged = await sweepExpiredOidc(deps, { batch: 100, clock: t.cloud.deps.clock });
    expect(purged).toEqual({ accessTokens: 250, codes: 370, transactions: 500 });
    expect(counts()).toEqual({ transactions: 7, codes: 7, accessTokens: 7 });
    // Tokens 100+100+50; codes 100×3+70; transactions 100×5, then one that finds none left.
    expect(writes).toEqual([100, 100, 50, 100, 100, 100, 70, 100, 100, 100, 100, 100, 0]);
  });
});

describe('startOidcHousekeeping', () => {
  it('sweeps at start and then every interval, through the group commit, until stopped', async () => {
    const identityId = await someIdentity();
    insertChains(30, -1, { tokens: true, identityId });
    const write = vi.fn(t.cloud.deps.write);
    running = startOidcHousekeeping({ ...t.cloud.deps, write: write as CloudDeps['write'] }, { intervalMs: 40, batch: 8 });
    await vi.waitFor(() => expect(counts()).toEqual({ transactions: 0, codes: 0, accessTokens: 0 }), { timeout: 2000 });
    expect(write).toHaveBeenCalled();

    insertChains(5, -1, { codes: true, identityId });
    await vi.waitFor(() => expect(counts()).toEqual({ transactions: 0, codes: 0, accessTokens: 0 }), { timeout: 2000 });

    await running.stop();
    insertChains(3, -1, { identityId });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(counts().transactions).toBe(3);
  });

  it('takes its clock from the options', async () => {
    insertChains(4, MINUTE, { identityId: await someIdentity() });
    // By the cloud's clock nothing has expired; by this one, everything has.
    running = startOidcHousekeeping(t.cloud.deps, { intervalMs: 60_000, clock: () => new Date(now().getTime() + 2 * MINUTE) });
    await vi.waitFor(() => expect(counts().transactions).toBe(0), { timeout: 2000 });
  });

  it('stop() resolves once the write in flight has committed, and starts no other', async () => {
    insertChains(4, -1, { tokens: true, identityId: await someIdentity() });
    const write = t.cloud.deps.write;
    let calls = 0;
    let committed = 0;
    let stopping: Promise<{ committed: number }> | undefined;
    const deps = {
      ...t.cloud.deps,
      write: ((fn: () => unknown) => {
        calls++;
        const done = write(fn).finally(() => committed++);
        // Stopped while its first batch waits for the group commit.
        stopping ??= running!.stop().then(() => ({ committed }));
        return done;
      }) as CloudDeps['write'],
    };
    running = startOidcHousekeeping(deps, { intervalMs: 60_000 });
    await vi.waitFor(() => expect(stopping).toBeDefined(), { timeout: 2000 });
    expect(await stopping).toEqual({ committed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(1);
    // That one batch (the access tokens) committed; the codes and transactions wait for the next start.
    expect(counts()).toEqual({ transactions: 4, codes: 4, accessTokens: 0 });
  });

  it('logs a failed sweep (its error, no rows) and tries again at the next interval', async () => {
    const identityId = await someIdentity();
    insertChains(10, -1, { tokens: true, identityId });
    const lines: string[] = [];
    const log = createLogger({}, { write: (line) => lines.push(line) });
    const write = t.cloud.deps.write;
    let failures = 0;
    const deps = {
      ...t.cloud.deps,
      log,
      write: ((fn: () => unknown) => {
        if (failures++ === 0) return Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
        return write(fn);
      }) as CloudDeps['write'],
    };
    running = startOidcHousekeeping(deps, { intervalMs: 30, batch: 500 });
    await vi.waitFor(() => expect(counts()).toEqual({ transactions: 0, codes: 0, accessTokens: 0 }), { timeout: 2000 });
    expect(lines).toHaveLength(1);
    const logged = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(logged).toMatchObject({ level: 'error', error: 'database is locked', code: 'SQLITE_BUSY' });
    expect(Object.keys(logged).sort()).toEqual(['code', 'error', 'level', 'message', 'time']);
  });

  it('refuses an interval or a batch that is not positive', () => {
    expect(() => startOidcHousekeeping(t.cloud.deps, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => startOidcHousekeeping(t.cloud.deps, { batch: 0 })).toThrow(RangeError);
    expect(() => startOidcHousekeeping(t.cloud.deps, { batch: 2.5 })).toThrow(RangeError);
  });
});

describe('the cloud process', () => {
  it('purges expired sign-in rows when it starts (the primary runs the housekeeping), and stops cleanly', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-oidc-housekeeping-'));
    try {
      // A database left with expired rows, as a cloud stopped for a while leaves it.
      const config = readCloudConfig({ DATA_DIR: dataDir, CLOUD_PORT: '0', CLOUD_TLS_PORT: '0', SMTP_URL: 'smtp://127.0.0.1:9' });
      const db = openDb(config.dbFile);
      const before = buildCloud({ db, config, log: createLogger({}, { level: 'silent' }) });
      const tenant = ensureDevTenant(before.deps, { dataDir, appOrigin: config.appOrigin });
      const insert = db.prepare(`INSERT INTO oidc_transactions (id, tenant_id, realm_id, application_id, redirect_uri, scope, bi_nonce, expire_time, create_time)
        VALUES (?, ?, ?, ?, 'https://app.example/cb', 'openid', 'n', ?, 'x')`);
      insert.run('expired', tenant.tenant_id, tenant.realm_id, tenant.app.application_id, '2000-01-01T00:00:00.000Z');
      insert.run('live', tenant.tenant_id, tenant.realm_id, tenant.app.application_id, '2999-01-01T00:00:00.000Z');
      db.close();

      const cloud = await startCloud(
        config,
        createLogger({}, { level: 'silent' }),
        { distDir: path.join(dataDir, 'no-dist') },
      );
      try {
        const ids = () => cloud.db.prepare(`SELECT id FROM oidc_transactions ORDER BY id`).pluck().all();
        await vi.waitFor(() => expect(ids()).toEqual(['live']), { timeout: 5000 });
      } finally {
        await cloud.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
