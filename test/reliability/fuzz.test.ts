/**
 * Issue 7: a fuzzer over every endpoint. Malformed requests (bad JSON, wrong
 * types, huge bodies, bad ids, bad or foreign tokens, bad JWTs, junk cookies)
 * against every management operation, the binding protocol, OIDC, the console
 * API and the app's `/api/*` and `/auth/*`. Every request is one that must be
 * refused: the test asserts a 4xx (or the endpoint's documented form of
 * refusal), never a 5xx, and that the database is unchanged after each one.
 *
 * In-process for speed: the cloud (`createTestCloud`, in-memory SQLite) is
 * called with `app.request()`, and also listens on loopback for the app
 * backend (`buildApp`), which reaches it over HTTP as it would reach Beyond
 * Identity. A last part writes malformed HTTP to that listening cloud, and to
 * the app backend listening too, over real sockets. RELIABILITY_FUZZ_SEED replays a run; RELIABILITY_FUZZ_SCALE
 * multiplies the number of requests.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePorts } from '../../scripts/support/system';
import { buildApp, MAX_API_BODY_BYTES } from '../../server/app/app';
import { createBackgroundTasks } from '../../server/app/background';
import { readAppConfig } from '../../server/app/config';
import { sessionCookieFor } from '../../server/app/test/session-cookie';
import { MANAGEMENT_SCOPES } from '../../server/cloud/auth/scopes';
import { createAdmin } from '../../server/cloud/console/seed-admin';
import { csrfTokenFor, SESSION_COOKIE } from '../../server/cloud/console/session';
import { TEST_SCRYPT_COST } from '../../server/cloud/console/test/console-client';
import { createTestCloud, identityBody, type TestCloud } from '../../server/cloud/test/harness';
import { hashSecret, newSecret } from '../../server/lib/ids';
import { listenLoopback, type Listening } from '../../server/lib/listen';
import { createLogger } from '../../server/lib/logger';
import { mountInbox } from '../../server/cloud/mail/inbox-routes';
import { diffSnapshots, snapshotDb, type DbSnapshot } from './support/db-snapshot';
import { buildTargets, type Fixtures, type FuzzRequest, type Target } from './support/fuzz-targets';
import { bindingProof, proofSubject } from './support/proof';

const SPA_HTML = '<!doctype html><title>Fuzz SPA</title><div id="root"></div>';
const ASSET_JS = 'console.log("fuzz asset");';
const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SCALE = Number(process.env.RELIABILITY_FUZZ_SCALE ?? 1);
const silent = createLogger({}, { level: 'silent' });

let t: TestCloud;
let cloudListening: Listening;
let app: ReturnType<typeof buildApp>;
let dataDir: string;
let fx: Fixtures;
let targets: Target[];

beforeAll(async () => {
  const [port] = await findFreePorts(1);
  const cloudUrl = `http://localhost:${port}`;
  t = createTestCloud({ config: { apiBaseUrl: cloudUrl, authBaseUrl: cloudUrl }, console: { distDir: '/nonexistent-dist' } });
  cloudListening = await listenLoopback(t.cloud.app.fetch, port!);
  const realm = t.realmPath();
  const repos = t.cloud.deps.repos;

  // The app backend, configured as in production (dev-tenant.json), with a fixed API token so it mints none.
  dataDir = mkdtempSync(path.join(tmpdir(), 'bindery-fuzz-'));
  writeFileSync(path.join(dataDir, 'dev-tenant.json'), JSON.stringify(t.tenant));
  const config = readAppConfig({ DATA_DIR: dataDir, APP_PUBLIC_URL: 'http://localhost:3000', BI_API_TOKEN: t.tenant.management.api_token });
  // A small build beside the secrets in DATA_DIR: what the static files and the SPA's page may
  // answer, and what no path may reach (dev-tenant.json, secrets/).
  const distDir = path.join(dataDir, 'dist');
  mkdirSync(path.join(distDir, 'assets'), { recursive: true });
  writeFileSync(path.join(distDir, 'index.html'), SPA_HTML);
  writeFileSync(path.join(distDir, 'assets', 'app-Fz12.js'), ASSET_JS);
  // The local inbox, as the primary mounts it in development (server.ts), with no messages.
  mountInbox(t.cloud.app, { messages: () => [] }, cloudUrl);
  app = buildApp({
    config,
    log: silent,
    distDir,
    background: createBackgroundTasks(silent),
    // The preview's per-IP limit would turn most of its requests into 429s; the fuzzer wants the handler.
    rateLimits: { previewPerIp: { limit: 1_000_000, windowMs: 60_000 } },
  });

  // An identity with a RETURN job in each state: usable, used (with its credential), revoked, expired.
  const ann = await t.post(`${realm}/identities`, identityBody('ann'));
  expect(ann.status).toBe(200);
  const identityId = ann.body.id as string;
  const newJob = async () => {
    const job = await t.post(`${realm}/identities/${identityId}/credential-binding-jobs`, {
      job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id },
    });
    expect(job.status).toBe(200);
    const link = new URL(job.body.credential_binding_link);
    return { jobId: job.body.credential_binding_job.id as string, token: link.searchParams.get('token')!, jobPath: link.pathname.replace(/:invokeAuthenticator$/, '') };
  };
  const sub = proofSubject({ identity_id: identityId, realm_id: t.tenant.realm_id, tenant_id: t.tenant.tenant_id });
  const jobs = { usable: await newJob(), used: await newJob(), revoked: await newJob(), expired: await newJob() };
  const bound = await t.post(`${jobs.used.jobPath}:bind`, { type: 'JWT', raw: await bindingProof(jobs.used.token, sub) }, { token: null, headers: { authorization: `Bearer ${jobs.used.token}` } });
  expect(bound.status).toBe(200);
  expect((await t.post(`${realm}/identities/${identityId}/credential-binding-jobs/${jobs.revoked.jobId}:revoke`, {})).status).toBe(200);
  t.db.prepare('UPDATE binding_jobs SET expire_time = ? WHERE id = ?').run(new Date(Date.now() - 60_000).toISOString(), jobs.expired.jobId);

  // Tokens that must not work: revoked, expired, of another tenant, of another realm, and one per operation lacking its scope.
  const revoked = await t.tokenWith(MANAGEMENT_SCOPES);
  const revokedRow = repos.tokens.findByToken(revoked)!;
  expect(repos.tokens.revoke(t.tenant.management.application_id, revokedRow.id, new Date())).toBe(true);
  const expired = await t.tokenWith(MANAGEMENT_SCOPES, t.tenant, { expiration_time: '1' });
  t.advance(2_000);
  const otherTenant = t.otherTenant().management.api_token;
  const otherRealm = t.otherRealm().token;
  const scopesFor = new Map<string, string>();
  for (const scope of new Set(MANAGEMENT_SCOPES)) scopesFor.set(scope, await t.tokenWith(MANAGEMENT_SCOPES.filter((s) => s !== scope)));

  // The console: an admin, and a signed-out session id (its row deleted).
  const admin = createAdmin(t.cloud.deps, { tenantId: t.tenant.tenant_id, username: 'root', password: 'correct horse battery staple', actor: 'test', cost: TEST_SCRYPT_COST }, new Date());

  const application = repos.applications.get(t.tenant.realm_id, t.tenant.app.application_id)!;
  fx = {
    cloudUrl,
    tenantId: t.tenant.tenant_id,
    realmId: t.tenant.realm_id,
    identityId,
    credentialId: bound.body.id as string,
    jobs,
    apiToken: t.tenant.management.api_token,
    tokens: { revoked, expired, otherTenant, otherRealm, withoutScope: (scope) => scopesFor.get(scope)! },
    management: { applicationId: t.tenant.management.application_id, clientId: t.tenant.management.client_id, clientSecret: t.tenant.management.client_secret },
    oidcApp: {
      applicationId: t.tenant.app.application_id,
      clientId: t.tenant.app.client_id,
      clientSecret: t.tenant.app.client_secret,
      redirectUri: application.protocol_config!.redirect_uris![0]!,
    },
    appOrigin: 'http://localhost:3000',
    build: { html: SPA_HTML, asset: { path: '/assets/app-Fz12.js', text: ASSET_JS } },
    secrets: [t.tenant.management.client_secret, t.tenant.management.api_token, t.tenant.app.client_secret, config.sessionSecret],
    consoleCookie: SESSION_COOKIE,
    consoleSession: () => newConsoleSession(admin.id),
    signedOutConsoleCookie: `${SESSION_COOKIE}=${newSecret(32)}`,
    appSessionCookie: await sessionCookieFor(
      { identity_id: identityId, username: 'ann', display_name: 'User ann', email: 'ann@example.com' },
      { secret: config.sessionSecret, publicUrl: config.publicUrl },
    ),
    badProofs: await badProofs(jobs.usable.token, sub),
    usedLinkProof: await bindingProof(jobs.used.token, sub),
  };
  targets = buildTargets(fx);
}, 60_000);

afterAll(async () => {
  await cloudListening?.close();
  t?.db.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A console session for the admin, straight in the table (no sign-in, so no rate limit and no audit). */
function newConsoleSession(adminId: string): { cookie: string; csrf: string } {
  const sessionId = newSecret(32);
  const now = new Date();
  t.cloud.deps.repos.console.insertSession({
    id_hash: hashSecret(sessionId),
    admin_id: adminId,
    create_time: now.toISOString(),
    last_seen_time: now.toISOString(),
    expire_time: new Date(now.getTime() + 3600_000).toISOString(),
  });
  return { cookie: `${SESSION_COOKIE}=${sessionId}`, csrf: csrfTokenFor(sessionId) };
}

/** Proofs of possession that `:bind` must refuse for the usable link, each wrong in one way. */
async function badProofs(token: string, sub: string): Promise<string[]> {
  const { generateKeyPair, exportJWK, SignJWT } = await import('jose');
  const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const es256 = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(es256.publicKey);
  const publicJwk = { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
  const privateJwk = await exportJWK(es256.privateKey);
  const es384 = await generateKeyPair('ES384', { extractable: true });
  const jwk384 = await exportJWK(es384.publicKey);
  const other = await generateKeyPair('ES256');
  const sign = (payload: Record<string, unknown>, header: Record<string, unknown>, key: CryptoKey | Uint8Array = es256.privateKey) =>
    new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key);
  const valid = await sign({ sub, token }, { alg: 'ES256', jwk: publicJwk });
  const [h, p] = valid.split('.');
  return [
    await bindingProof(token, sub, { signWith: other.privateKey }), // signed by another key
    await bindingProof(token, sub.replace(/^CN=[0-9a-f]{16}/, 'CN=0000000000000000')), // another identity
    await bindingProof('another-token', sub), // another token
    await bindingProof(token.slice(0, -1), sub),
    await sign({ sub, token, exp: Math.floor(Date.now() / 1000) - 60 }, { alg: 'ES256', jwk: publicJwk }), // expired
    await sign({ sub, token }, { alg: 'ES256' }), // no key in the header
    await sign({ sub, token }, { alg: 'ES256', jwk: privateJwk }), // the private key in the header
    await sign({ sub, token }, { alg: 'ES384', jwk: { kty: jwk384.kty, crv: jwk384.crv, x: jwk384.x, y: jwk384.y } }, es384.privateKey), // P-384
    await sign({ sub, token }, { alg: 'HS256', jwk: publicJwk }, new TextEncoder().encode('x'.repeat(32))), // symmetric
    `${b64({ alg: 'none', jwk: publicJwk })}.${p}.`, // unsigned
    `${b64({ alg: 'ES256', jwk: { ...publicJwk, x: publicJwk.y } })}.${p}.${valid.split('.')[2]}`, // key not on the curve
    `${h}.${b64('not json')}.${valid.split('.')[2]}`, // payload not JSON
    `${h}.${p}`, // two parts
    `${h}.${p}.${valid.split('.')[2]}.x`, // four parts
    `${h}.${p}.${'A'.repeat(86)}`, // zero signature
    `${h}.${b64({ sub, token: [token] })}.${valid.split('.')[2]}`, // token as an array
    `${b64({ alg: 'ES256', jwk: { ...publicJwk, kty: 'RSA' } })}.${p}.x`,
    `${b64({ alg: 'ES256', jwk: 'string' })}.${p}.x`,
    `${b64('[]')}.${p}.x`,
    'a'.repeat(9000), // longer than the 8192 the body allows
  ];
}

interface Stats {
  requests: number;
  statuses: Map<number, number>;
  perTarget: Map<string, number>;
}

const stats: Stats = { requests: 0, statuses: new Map(), perTarget: new Map() };

async function send(request: FuzzRequest): Promise<{ status: number; text: string; headers: Headers }> {
  const handler = request.via === 'cloud' ? t.cloud.app : app;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) if (value !== undefined) headers[name] = value;
  const response = await handler.request(request.path, {
    method: request.method,
    headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  // A stream that never ends (SSE) would hang here: none of these requests may open one.
  const text = await Promise.race([
    response.text(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no complete answer within 10 s')), 10_000).unref()),
  ]);
  return { status: response.status, text, headers: response.headers };
}

function describeRequest(request: FuzzRequest): string {
  const body = request.body === undefined ? '' : ` body(${request.body.length}) ${request.body.slice(0, 300)}`;
  return `${request.via} ${request.method} ${request.path.slice(0, 300)} ${JSON.stringify(request.headers ?? {}).slice(0, 400)}${body}`;
}

/**
 * The first failure of the current target. Shrinking replays requests on a
 * database the failing one may already have changed, so the counterexample
 * it ends with can mislead; the first failure is the one to read.
 */
let firstFailure: string | undefined;

/** Runs one target's requests; each must be refused, without a 5xx and without a change to the database. */
async function fuzz(target: Target, index: number): Promise<void> {
  firstFailure = undefined;
  target.prepare?.();
  const before: DbSnapshot = snapshotDb(t.db, target.mayChange ?? {});
  const totalChanges = t.db.prepare('SELECT total_changes()').pluck();
  let changes = totalChanges.get() as number;
  const numRuns = Math.max(1, Math.round(target.runs * SCALE));
  await fc.assert(
    fc.asyncProperty(target.requests, async (request) => {
      stats.requests++;
      stats.perTarget.set(target.name, (stats.perTarget.get(target.name) ?? 0) + 1);
      const answer = await send(request);
      stats.statuses.set(answer.status, (stats.statuses.get(answer.status) ?? 0) + 1);
      const said = `${describeRequest(request)}\n  -> ${answer.status} ${answer.text.slice(0, 400)}`;
      const fail = (message: string) => {
        firstFailure ??= message;
        throw new Error(message);
      };
      if (answer.status >= 500) fail(`5xx: ${said}`);
      const problem = target.check ? target.check(request, answer) : answer.status >= 400 && answer.status < 500 ? undefined : 'expected a 4xx';
      if (problem) fail(`${problem}: ${said}`);
      // total_changes() is cheap; only when it moved is the whole database compared.
      const now = totalChanges.get() as number;
      if (now !== changes) {
        changes = now;
        const diff = diffSnapshots(before, snapshotDb(t.db, target.mayChange ?? {}));
        if (Object.keys(diff).length > 0) fail(`the database changed: ${JSON.stringify(diff)}\n${said}`);
      }
    }),
    { numRuns, seed: SEED + index, endOnFailure: false },
  );
  expect(diffSnapshots(before, snapshotDb(t.db, target.mayChange ?? {}))).toEqual({});
}

describe('fuzzing every endpoint with requests that must be refused', () => {
  beforeAll(() => console.log(`fuzz: seed ${SEED} (RELIABILITY_FUZZ_SEED=${SEED} replays it), scale ${SCALE}`));

  it('answers every one with a 4xx (or its documented refusal), never a 5xx, and changes nothing', async () => {
    for (const [index, target] of targets.entries()) {
      try {
        await fuzz(target, index);
      } catch (error) {
        const first = firstFailure ? `first failure: ${firstFailure}\n\n` : '';
        throw new Error(`target "${target.name}" (seed ${SEED + index}): ${first}${(error as Error).message}`, { cause: error });
      }
    }
    const statuses = Object.fromEntries([...stats.statuses].sort(([a], [b]) => a - b));
    console.log(`fuzz: ${stats.requests} requests over ${targets.length} targets; statuses ${JSON.stringify(statuses)}`);
    expect([...stats.statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(stats.requests).toBeGreaterThanOrEqual(Math.min(10_000, 10_000 * SCALE));
    // Every target was exercised.
    expect(targets.filter((target) => !stats.perTarget.get(target.name)).map((target) => target.name)).toEqual([]);
  }, 600_000);
});

/**
 * One request written byte for byte to a new connection (`Connection: close`); answers the status
 * of the first response, or `closed` when the server hung up without one (as Node's parser may on
 * a body cut short).
 */
function rawRequest(port: number, bytes: Buffer): Promise<number | 'closed'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 5 s to ${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))}`));
    }, 5_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is the server closing: judged by what arrived
    socket.on('close', () => {
      clearTimeout(timer);
      const head = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve(status ? Number(status[1]) : 'closed');
    });
    socket.end(bytes);
  });
}

/** A listening server to fuzz with malformed HTTP, and a request of its to break. */
interface SocketTarget {
  port: number;
  /** Paths for broken request lines and headers. */
  paths: string[];
  /** A well-formed POST (its credentials in `headers`), sent only cut, oversized or misframed. */
  post: { path: string; headers: string; body: string };
  /** The server's body limit in bytes. */
  maxBody: number;
  /** A GET that is a good request (200), asked last to see the server still up. */
  goodGet: string;
  /** Paths whose GET is a good request (a page, a redirect): left out of the broken request lines. */
  goodGets: string[];
  /** More requests of this server's own. */
  more?: fc.Arbitrary<Buffer>[];
}

/** Malformed HTTP for `target`: each request one that must be refused, or closed on. */
function malformedHttp(target: SocketTarget): fc.Arbitrary<Buffer> {
  const { paths, post, maxBody } = target;
  const text = fc.string({ maxLength: 60 });
  const junk = fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes));
  const head = `POST ${post.path} HTTP/1.1\r\nHost: localhost\r\n${post.headers}Content-Type: application/json\r\n`;
  return fc.oneof(
    // Not HTTP at all, or a broken request line.
    junk.map((bytes) => Buffer.concat([bytes, Buffer.from('\r\n\r\n')])),
    fc.tuple(fc.constantFrom('GET', 'POST', 'FOO', 'P0ST', ''), fc.constantFrom(...paths), fc.constantFrom('HTTP/1.1', 'HTTP/9.9', 'HTTP/1', ''))
      // A good GET is a good request; every other combination is not.
      .filter(([method, path, version]) => !(method === 'GET' && target.goodGets.includes(path) && version === 'HTTP/1.1'))
      .map(([method, path, version]) => Buffer.from(`${method} ${path} ${version}\r\nHost: localhost\r\n\r\n`)),
    // Headers a parser must refuse: no colon, a space in the name, control bytes, too large.
    fc.tuple(fc.constantFrom(...paths), text).map(([path, value]) =>
      Buffer.from(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nBad Header: ${value}\r\nno-colon-here\r\n\r\n`)),
    fc.constantFrom(...paths).map((path) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`)),
    // A declared body over the limit: refused from the header, before any of it is read.
    fc.integer({ min: maxBody + 1, max: 2 ** 40 }).map((length) => Buffer.from(`${head}Content-Length: ${length}\r\nConnection: close\r\n\r\n${post.body}`)),
    // A body cut short of its Content-Length (the client hangs up), or both length and chunking.
    fc.integer({ min: 1, max: post.body.length - 1 }).map((cut) =>
      Buffer.from(`${head}Content-Length: ${post.body.length}\r\n\r\n${post.body.slice(0, cut)}`)),
    fc.constant(Buffer.from(`${head}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`)),
    // Chunked bodies: malformed sizes, or over the limit (the streaming check).
    fc.tuple(fc.constantFrom('zz', '-1', '1' + '0'.repeat(20), ''), text).map(([size, data]) =>
      Buffer.from(`${head}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${size}\r\n${data}\r\n0\r\n\r\n`)),
    fc.constant(Buffer.from(`${head}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(maxBody + 1).toString(16)}\r\n${'x'.repeat(maxBody + 1)}\r\n0\r\n\r\n`)),
    // Well framed, but with a body that is not the JSON it claims to be.
    fc.tuple(junk, fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-16')).map(([body, type]) =>
      Buffer.concat([
        Buffer.from(`POST ${post.path} HTTP/1.1\r\nHost: localhost\r\n${post.headers}Content-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`),
        body,
      ])),
    ...(target.more ?? []),
  );
}

/**
 * Writes `runs` malformed requests to `target` over real sockets: each must be refused with a
 * 4xx or by closing, never a 5xx; then the server must still answer its good GET, and the
 * cloud's database must be as it was. Answers how often each status was seen.
 */
async function fuzzOverSockets(target: SocketTarget, runs: number): Promise<Map<number | 'closed', number>> {
  const before = snapshotDb(t.db, {});
  const seen = new Map<number | 'closed', number>();
  await fc.assert(
    fc.asyncProperty(malformedHttp(target), async (bytes) => {
      const status = await rawRequest(target.port, bytes);
      seen.set(status, (seen.get(status) ?? 0) + 1);
      if (status !== 'closed' && (status < 400 || status >= 500)) {
        throw new Error(`${status} to ${JSON.stringify(bytes.subarray(0, 300).toString('latin1'))}`);
      }
    }),
    { numRuns: runs, seed: SEED },
  );
  // Still serving, and nothing refused left a trace.
  expect(await rawRequest(target.port, Buffer.from(`GET ${target.goodGet} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`))).toBe(200);
  expect(diffSnapshots(before, snapshotDb(t.db, {}))).toEqual({});
  return seen;
}

/**
 * The in-process fuzzer above never frames HTTP itself: `app.request()` has no Content-Length,
 * so the body limit's production path (judged from the header) and Node's own parser go
 * untested there. Here the listening cloud, and the app backend, get malformed HTTP over real
 * sockets.
 */
describe('fuzzing over real sockets with malformed HTTP', () => {
  it('the cloud refuses every one with a 4xx or by closing, never a 5xx, stays up, and changes nothing', async () => {
    const realm = `/v1/tenants/${fx.tenantId}/realms/${fx.realmId}`;
    const auth = `Authorization: Bearer ${fx.apiToken}\r\n`;
    const jobsPath = `${realm}/identities/${fx.identityId}/credential-binding-jobs`;
    const goodBody = JSON.stringify({ job: { delivery_method: 'RETURN', authenticator_config_id: t.tenant.app.authenticator_config_id } });
    const paths = [jobsPath, `${realm}/identities`, `${fx.jobs.usable.jobPath}:bind`, `${realm}/credentials`, '/v1/tenants/%ZZ/realms/x', '/health'];
    const seen = await fuzzOverSockets(
      {
        port: cloudListening.port,
        paths,
        post: { path: jobsPath, headers: auth, body: goodBody },
        maxBody: t.cloud.deps.config.maxBodyBytes,
        goodGet: '/health',
        goodGets: ['/health'],
        more: [
          // A broken bearer header beside the good one.
          fc.tuple(fc.string({ maxLength: 60 }), fc.constantFrom(...paths)).map(([token, path]) =>
            Buffer.from(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\nAuthorization: Bearer ${fx.apiToken}\r\nContent-Type: application/json\r\nContent-Length: ${goodBody.length}\r\nConnection: close\r\n\r\n${goodBody}`)),
        ],
      },
      Math.max(1, Math.round(1_500 * SCALE)),
    );
    console.log(`fuzz over sockets, cloud: ${JSON.stringify(Object.fromEntries(seen))}`);
    // The body limit answered from the header (413), and Node's parser refused what it must (400).
    expect(seen.get(413)).toBeGreaterThan(0);
    expect(seen.get(400)).toBeGreaterThan(0);
  }, 300_000);

  it('the app backend refuses every one with a 4xx or by closing, never a 5xx, stays up, and changes nothing', async () => {
    const appListening = await listenLoopback(app.fetch, 0);
    try {
      // A sign-up that would create an identity in the cloud, were it ever sent whole.
      const signup = JSON.stringify({ username: 'fuzz-socket', email: 'fuzz-socket@example.com', display_name: 'Fuzz Socket' });
      const seen = await fuzzOverSockets(
        {
          port: appListening.port,
          paths: ['/api/signup', '/api/binding-link/preview', '/api/me/binding-link', '/api/email-link', '/auth/callback', '/bind', '/api/health'],
          post: { path: '/api/signup', headers: '', body: signup },
          maxBody: MAX_API_BODY_BYTES,
          goodGet: '/api/health',
          // The SPA's page, and the sign-in callback (a redirect home, with or without a code).
          goodGets: ['/api/health', '/bind', '/auth/callback'],
        },
        Math.max(1, Math.round(1_000 * SCALE)),
      );
      console.log(`fuzz over sockets, app backend: ${JSON.stringify(Object.fromEntries(seen))}`);
      expect(seen.get(413)).toBeGreaterThan(0);
      expect(seen.get(400)).toBeGreaterThan(0);
      // The person's side of it: the cloud has no identity by that name.
      expect(t.db.prepare('SELECT count(*) AS n FROM identities WHERE username = ?').get('fuzz-socket')).toEqual({ n: 0 });
    } finally {
      await appListening.close();
    }
  }, 300_000);
});

/**
 * The app accepts ids of Beyond Identity's shape (`[A-Za-z0-9_-]{1,128}`), wider
 * than the ids the cloud issues: the cloud answers 400 to the rest, and for the
 * app such an id names nothing (not a failure of the cloud's, a 502).
 */
describe('ids of the app\'s shape that the cloud calls malformed', () => {
  const json = { 'content-type': 'application/json' };

  it('answers 404, not 502, to revoking a credential id the cloud calls malformed', async () => {
    const answer = await send({ via: 'app', method: 'POST', path: '/api/me/credentials/ABCDEF0123456789/revoke', headers: { ...json, cookie: fx.appSessionCookie }, body: '{}' });
    expect(answer.status).toBe(404);
  });

  it('previews its own job with a malformed id as invalid, not 502', async () => {
    const answer = await send({ via: 'app', method: 'POST', path: '/api/binding-link/preview', headers: { ...json, cookie: fx.appSessionCookie }, body: JSON.stringify({ job_id: 'abc', own: true }) });
    expect([answer.status, answer.text]).toEqual([200, '{"state":"invalid"}']);
  });

  it('previews an emailed link with a malformed job id as invalid, not 502', async () => {
    const body = { api_base_url: fx.cloudUrl, tenant_id: fx.tenantId, realm_id: fx.realmId, identity_id: fx.identityId, job_id: 'abc', token: fx.jobs.usable.token };
    const answer = await send({ via: 'app', method: 'POST', path: '/api/binding-link/preview', headers: json, body: JSON.stringify(body) });
    expect([answer.status, answer.text]).toEqual([200, '{"state":"invalid"}']);
  });
});
