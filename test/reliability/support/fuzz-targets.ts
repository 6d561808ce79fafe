import fc from 'fast-check';
import { CONSOLE_API_ROUTES, CSRF_HEADER, type ConsoleRouteName } from '../../../contracts/console-api';
import type { Scope } from '../../../server/cloud/auth/scopes';
import type { Operation } from '../../../server/cloud/http/operation';
import { managementOperations } from '../../../server/cloud/operations';
import {
  anyText,
  badId,
  badIdSegment,
  badUint,
  hugeBody,
  junkAuthorization,
  junkCookie,
  nonObject,
  nonObjectJson,
  notJson,
  notJsonContentType,
  printable,
  queryValue,
  unknownId,
  wrongWrapper,
} from './fuzz-arbitraries';

/** One request of the fuzzer, to the cloud or to the app backend (both in-process). */
export interface FuzzRequest {
  via: 'cloud' | 'app';
  method: string;
  /** Path and query. */
  path: string;
  headers?: Record<string, string | undefined>;
  body?: string;
}

/** A group of requests to one endpoint, all of which must be refused. */
export interface Target {
  name: string;
  /** Requests it gets (times RELIABILITY_FUZZ_SCALE). */
  runs: number;
  requests: fc.Arbitrary<FuzzRequest>;
  /** What is wrong with the answer, or undefined when it is a proper refusal. Default: any 4xx. */
  check?: (request: FuzzRequest, answer: { status: number; text: string; headers: Headers }) => string | undefined;
  /** Rows the endpoint adds even when it refuses (per table, an SQL condition selecting the rows that must not change). */
  mayChange?: Record<string, string>;
  /** Runs before the database is snapshotted for this target (fixtures it needs fresh). */
  prepare?: () => void;
}

interface Link {
  jobId: string;
  token: string;
  jobPath: string;
}

/** What the targets refer to: the seeded tenant, fixtures in each state, and credentials that must not work. */
export interface Fixtures {
  cloudUrl: string;
  tenantId: string;
  realmId: string;
  identityId: string;
  credentialId: string;
  jobs: { usable: Link; used: Link; revoked: Link; expired: Link };
  apiToken: string;
  tokens: { revoked: string; expired: string; otherTenant: string; otherRealm: string; withoutScope(scope: Scope): string };
  management: { applicationId: string; clientId: string; clientSecret: string };
  oidcApp: { applicationId: string; clientId: string; clientSecret: string; redirectUri: string };
  appOrigin: string;
  consoleCookie: string;
  /** A fresh console session (cookie header and CSRF token). */
  consoleSession(): { cookie: string; csrf: string };
  signedOutConsoleCookie: string;
  appSessionCookie: string;
  badProofs: string[];
  /** A valid proof for the used link (refused: 409). */
  usedLinkProof: string;
  /** The app's build: its page, and one asset. */
  build: { html: string; asset: { path: string; text: string } };
  /** Secrets of DATA_DIR and the tenant that no answer may contain. */
  secrets: string[];
}

const JSON_TYPE = 'application/json';
const MAX_CLOUD_BODY = 256 * 1024;
const MAX_APP_BODY = 16 * 1024;

const is4xx = (status: number) => status >= 400 && status < 500;

/** A body that no schema accepts, with its content type. */
function badBody(keys: readonly string[], limit: number, options: { wrapper?: boolean } = {}) {
  const json = (text: string) => ({ body: text, type: JSON_TYPE });
  return fc.oneof(
    notJson.map(json),
    nonObjectJson.map(json),
    ...(options.wrapper === false ? [] : [wrongWrapper(keys).map(json)]),
    hugeBody(limit).map(json),
    fc.tuple(fc.json({ maxDepth: 2 }).filter((s) => s.trim() !== ''), notJsonContentType).map(([body, type]) => ({ body, type })),
  );
}

/** Any body (valid or not) for requests that are refused before their body matters. */
const anyBody = fc.oneof(
  fc.constant(undefined),
  fc.object({ maxDepth: 2 }).map((value) => ({ body: JSON.stringify(value), type: JSON_TYPE })),
  fc.json({ maxDepth: 2 }).map((body) => ({ body, type: JSON_TYPE })),
  notJson.map((body) => ({ body, type: JSON_TYPE })),
  anyText(80).map((body) => ({ body, type: 'text/plain' })),
);

/** Optional junk query parameters, for endpoints that ignore or refuse them. */
const junkQuery = fc.option(
  fc.array(fc.tuple(printable(10, 1), queryValue), { minLength: 1, maxLength: 3 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')),
  { nil: undefined },
);

const withQuery = (path: string, query: string | undefined) => (query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);

/** The names of a route's path parameters. */
const paramsOf = (routePath: string) => [...routePath.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);

/** A route's path with its parameters filled in (`/@verb` written back as `:verb`). */
const fill = (routePath: string, values: Record<string, string>) =>
  routePath.replace(/:([a-z_]+)/g, (_, name: string) => values[name] ?? 'missing').replace('/@', ':');

/** Values for `names`, each picked by `pick`. */
function idsFor(names: string[], pick: (name: string) => fc.Arbitrary<string>): fc.Arbitrary<Record<string, string>> {
  return fc.record(Object.fromEntries(names.map((name) => [name, pick(name)])) as Record<string, fc.Arbitrary<string>>);
}

// ---------------------------------------------------------------------------
// Management API: every operation
// ---------------------------------------------------------------------------

function managementTargets(fx: Fixtures): Target[] {
  return managementOperations.map((op) => managementTarget(fx, op));
}

function managementTarget(fx: Fixtures, op: Operation): Target {
  const params = paramsOf(op.path);
  const ours: Record<string, string> = { tenant_id: fx.tenantId, realm_id: fx.realmId };
  const resources = params.filter((p) => p !== 'tenant_id' && !(op.level === 'realm' && p === 'realm_id'));
  const hasBody = op.method === 'post' || op.method === 'patch';
  const isList = op.id.startsWith('List');
  const bodyKeys = op.body && 'shape' in op.body ? Object.keys((op.body as unknown as { shape: object }).shape) : [];
  const method = op.method.toUpperCase();
  const request = (ids: Record<string, string>, authorization: string | undefined, body?: { body: string; type: string }, query?: string): FuzzRequest => ({
    via: 'cloud',
    method,
    path: withQuery(fill(op.path, ids), query),
    headers: { authorization, ...(body ? { 'content-type': body.type } : {}) },
    ...(body && hasBody ? { body: body.body } : {}),
  });
  const anyId = (name: string) => fc.oneof(fc.constant(ours[name] ?? fx.identityId), unknownId, badIdSegment, ...(op.wildcards?.includes(name) ? [fc.constant('-')] : []));
  const wrongCaller = fc.oneof(
    junkAuthorization,
    fc.constantFrom(
      `Bearer ${fx.tokens.revoked}`,
      `Bearer ${fx.tokens.expired}`,
      `Bearer ${fx.tokens.withoutScope(op.scope)}`,
      `Bearer ${fx.tokens.otherTenant}`,
      `Basic ${fx.apiToken}`,
      `Bearer ${fx.apiToken.slice(0, -1)}${fx.apiToken.endsWith('A') ? 'B' : 'A'}`,
      ...(op.level === 'realm' ? [`Bearer ${fx.tokens.otherRealm}`] : []),
    ),
  );
  const families: fc.Arbitrary<FuzzRequest>[] = [
    // Nobody, or the wrong somebody: 401 or 403, whatever else the request says.
    fc.tuple(idsFor(params, anyId), wrongCaller, anyBody, junkQuery).map(([ids, auth, body, query]) => request(ids, auth, body, query)),
    // A malformed id in the path (the tenant's and realm's included).
    fc
      .tuple(fc.constantFrom(...params), badIdSegment, idsFor(params, (name) => fc.constant(ours[name] ?? fx.identityId)), anyBody)
      .map(([bad, value, ids, body]) => request({ ...ids, [bad]: value }, `Bearer ${fx.apiToken}`, body)),
  ];
  if (resources.length > 0 && !(isList && op.wildcards?.length)) {
    // Well-formed ids of nothing: 404 (or 400 for the body first).
    families.push(
      fc
        .tuple(idsFor(params, (name) => (ours[name] && !resources.includes(name) ? fc.constant(ours[name]) : unknownId)), hasBody ? anyBody : fc.constant(undefined))
        .map(([ids, body]) => request(ids, `Bearer ${fx.apiToken}`, body)),
    );
  }
  if (hasBody) {
    // A body no schema accepts, on ids of nothing (so even a body that slipped through could change nothing).
    families.push(
      fc
        .tuple(idsFor(params, (name) => (ours[name] && !resources.includes(name) ? fc.constant(ours[name]) : unknownId)), badBody(bodyKeys, MAX_CLOUD_BODY))
        .map(([ids, body]) => request(ids, `Bearer ${fx.apiToken}`, body)),
    );
  }
  if (isList) {
    // Paging and filters that mean nothing: 400.
    // Every list refuses a filter it cannot apply: the ones the spec lists no filter for refuse any.
    const badParam = fc.oneof(
      badUint.map((v) => `page_size=${encodeURIComponent(v)}`),
      badUint.map((v) => `skip=${encodeURIComponent(v)}`),
      printable(40).map((s) => `page_token=${encodeURIComponent(`!${s}`)}`),
      fc.json({ maxDepth: 1 }).map((s) => `page_token=${Buffer.from(s).toString('base64url')}`),
      printable(40).map((s) => `filter=${encodeURIComponent(`!${s}`)}`),
      fc.constantFrom('nope eq "x"', 'username eq x', 'username eq "x" or username eq "y"', 'username eq "x" and', 'username  ne "x"').map((f) => `filter=${encodeURIComponent(f)}`),
    );
    const existing = (name: string) => fc.constant(ours[name] ?? (name === 'application_id' ? fx.management.applicationId : name === 'identity_id' ? '-' : fx.identityId));
    families.push(
      fc
        .tuple(idsFor(params, existing), fc.array(badParam, { minLength: 1, maxLength: 3 }))
        .map(([ids, query]) => request(ids, `Bearer ${fx.apiToken}`, undefined, query.join('&'))),
    );
  }
  return { name: `management ${op.id}`, runs: 150, requests: fc.oneof(...families) };
}

// ---------------------------------------------------------------------------
// Token endpoint, OIDC, binding protocol
// ---------------------------------------------------------------------------

function oauthTargets(fx: Fixtures): Target[] {
  const realm = `/v1/tenants/${fx.tenantId}/realms/${fx.realmId}`;
  const issuer = (appId: string) => `${realm}/applications/${appId}`;
  const appIds = fc.oneof(fc.constantFrom(fx.management.applicationId, fx.oidcApp.applicationId), unknownId, badIdSegment);
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const form = (pairs: Record<string, string | undefined>) =>
    new URLSearchParams(Object.entries(pairs).filter((e): e is [string, string] => e[1] !== undefined)).toString();

  const token: Target = {
    name: 'oauth token endpoint',
    runs: 400,
    requests: fc.oneof(
      // Client authentication that fails: 401.
      fc
        .tuple(
          fc.oneof(
            fc.constant(undefined),
            printable(40).map((s) => `Basic ${s}`),
            fc.tuple(printable(30), printable(30)).map(([id, secret]) => basic(id, secret)),
            printable(30).map((secret) => basic(fx.management.clientId, secret)),
            fc.constant(basic(fx.oidcApp.clientId, fx.management.clientSecret)),
          ),
          fc.constantFrom('client_credentials', 'authorization_code', 'password', ''),
          appIds,
        )
        .map(([authorization, grant, appId]) => ({
          via: 'cloud' as const,
          method: 'POST',
          path: `${issuer(appId)}/token`,
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
          body: form({ grant_type: grant, scope: 'identities:read' }),
        })),
      // The right client, a request that cannot succeed: unknown grant, bad scope or expiry, unknown code.
      fc
        .tuple(
          fc.constantFrom<'management' | 'oidc'>('management', 'oidc'),
          fc.oneof(
            printable(20).filter((g) => g !== 'client_credentials' && g !== 'authorization_code').map((grant_type) => ({ grant_type })),
            fc.tuple(printable(30)).map(([s]) => ({ grant_type: 'client_credentials', scope: `nope:scope ${s}` })),
            badUint.filter((v) => !/^\d{1,10}$/.test(v)).map((expiration_time) => ({ grant_type: 'client_credentials', scope: 'identities:read', expiration_time })),
            fc
              .tuple(fc.option(printable(60, 1), { nil: undefined }), fc.option(fc.stringMatching(/^[A-Za-z0-9._~-]{0,140}$/), { nil: undefined }), fc.option(printable(60), { nil: undefined }))
              .map(([code, code_verifier, redirect_uri]) => ({ grant_type: 'authorization_code', code, code_verifier, redirect_uri })),
          ),
          fc.boolean(),
        )
        .map(([client, fields, inBody]) => {
          const c = client === 'management' ? fx.management : fx.oidcApp;
          // The OIDC client may not use client_credentials, and the management one may not use codes: both refused.
          return {
            via: 'cloud' as const,
            method: 'POST',
            path: `${issuer(c.applicationId)}/token`,
            headers: { ...(inBody ? {} : { authorization: basic(c.clientId, c.clientSecret) }), 'content-type': 'application/x-www-form-urlencoded' },
            body: form({ ...fields, ...(inBody ? { client_id: c.clientId, client_secret: c.clientSecret } : {}) }),
          };
        }),
      // Bodies that are not a form.
      fc.tuple(badBody(['grant_type'], MAX_CLOUD_BODY, { wrapper: false }), appIds).map(([body, appId]) => ({
        via: 'cloud' as const,
        method: 'POST',
        path: `${issuer(appId)}/token`,
        headers: { authorization: basic(fx.management.clientId, fx.management.clientSecret), 'content-type': body.type === JSON_TYPE ? 'application/xml' : body.type },
        body: body.body,
      })),
    ),
  };

  // Authorize: an unknown client or unregistered redirect is a page (400); after that, every error goes back to the client.
  const authorize: Target = {
    name: 'oidc authorize',
    runs: 300,
    requests: fc
      .record({
        appId: fc.oneof(fc.constant(fx.oidcApp.applicationId), appIds),
        client_id: fc.oneof(fc.constant(fx.oidcApp.clientId), printable(30)),
        redirect_uri: fc.oneof(fc.constant(fx.oidcApp.redirectUri), printable(60), fc.constant(`${fx.oidcApp.redirectUri}/x`)),
        // At least one of these is wrong, so no transaction may start.
        broken: fc.constantFrom('response_type', 'code_challenge', 'code_challenge_method', 'scope'),
        response_type: printable(10),
        code_challenge: printable(60),
        code_challenge_method: printable(8),
        scope: printable(30),
        state: fc.option(printable(30), { nil: undefined }),
      })
      .map((q) => {
        const query: Record<string, string | undefined> = {
          client_id: q.client_id,
          redirect_uri: q.redirect_uri,
          response_type: q.broken === 'response_type' ? (q.response_type === 'code' ? 'token' : q.response_type) : 'code',
          code_challenge: q.broken === 'code_challenge' ? q.code_challenge.replace(/^[A-Za-z0-9_-]{43,128}$/, '!') : 'A'.repeat(43),
          code_challenge_method: q.broken === 'code_challenge_method' ? (q.code_challenge_method === 'S256' ? 'plain' : q.code_challenge_method) : 'S256',
          scope: q.broken === 'scope' ? q.scope.replace(/\bopenid\b/g, 'x') : 'openid',
          state: q.state,
        };
        return { via: 'cloud' as const, method: 'GET', path: `${issuer(q.appId)}/authorize?${form(query)}` };
      }),
    check: (request, answer) => {
      if (is4xx(answer.status)) return undefined;
      if (answer.status !== 302) return 'expected a 4xx or a 302 carrying the error';
      const location = answer.headers.get('location') ?? '';
      const params = new URL(request.path, 'http://x').searchParams;
      if (!location.startsWith(`${params.get('redirect_uri')}?`) || params.get('redirect_uri') !== fx.oidcApp.redirectUri) return 'redirected somewhere unregistered';
      return new URL(location).searchParams.get('error') ? undefined : 'redirected without an error';
    },
  };

  // The SDK's passkey proof: always 200 {"type":"deny"} (the SDK reads no other shape), and each deny is audited.
  const biAuthenticate: Target = {
    name: 'oidc bi-authenticate',
    runs: 300,
    requests: fc
      .tuple(
        // Ids that route here (a raw malformed one may reach no route at all: a 404, not this endpoint).
        fc.oneof(fc.constantFrom(fx.management.applicationId, fx.oidcApp.applicationId), unknownId),
        fc.oneof(
          anyText(200),
          notJson.map((s) => `claims=${encodeURIComponent(s)}`),
          fc.oneof(printable(200), fc.constantFrom(...fx.badProofs), fc.constant(fx.usedLinkProof)).map((jwt) => `claims=${encodeURIComponent(JSON.stringify({ Jwt: jwt }))}`),
          nonObject.map((v) => `claims=${encodeURIComponent(JSON.stringify({ Jwt: v }))}`),
        ),
        fc.constantFrom('application/x-www-form-urlencoded', 'text/plain', JSON_TYPE),
      )
      .map(([appId, body, type]) => ({ via: 'cloud' as const, method: 'POST', path: `${issuer(appId)}/bi-authenticate`, headers: { 'content-type': type }, body })),
    check: (_request, answer) => (answer.status === 200 && answer.text === '{"type":"deny"}' ? undefined : 'expected 200 {"type":"deny"}'),
    mayChange: { audit_events: `action != 'sign_in.deny'`, sqlite_sequence: `name != 'audit_events'` },
  };

  const userinfo: Target = {
    name: 'oidc userinfo',
    runs: 200,
    requests: fc
      .tuple(fc.constantFrom('GET', 'POST'), appIds, fc.oneof(junkAuthorization, fc.constant(`Bearer ${fx.apiToken}`)))
      .map(([method, appId, authorization]) => ({ via: 'cloud' as const, method, path: `${issuer(appId)}/userinfo`, headers: { authorization } })),
  };

  const wellKnown: Target = {
    name: 'oidc discovery and jwks of unknown applications',
    runs: 150,
    requests: fc
      .tuple(fc.constantFrom('openid-configuration', 'jwks.json'), fc.oneof(unknownId, badIdSegment), fc.oneof(fc.constant(realm), fc.constant(`/v1/tenants/${fx.tenantId}/realms/0000000000000000`)))
      .map(([doc, appId, base]) => ({ via: 'cloud' as const, method: 'GET', path: `${base}/applications/${appId}/.well-known/${doc}` })),
  };

  return [token, authorize, biAuthenticate, userinfo, wellKnown];
}

function bindingTargets(fx: Fixtures): Target[] {
  const { usable, used, revoked, expired } = fx.jobs;
  const refusedLinks = [used, revoked, expired];
  /** A job path: the usable job's, a refused one's, one of nothing, or with a malformed id. */
  const jobPath = fc.oneof(
    fc.constantFrom(usable.jobPath, used.jobPath, revoked.jobPath, expired.jobPath),
    unknownId.map((id) => usable.jobPath.replace(usable.jobId, id)),
    badIdSegment.map((id) => usable.jobPath.replace(usable.jobId, id)),
    unknownId.map((id) => usable.jobPath.replace(fx.identityId, id)),
  );
  /** A token that is not the usable link's. */
  const wrongToken = fc.oneof(
    printable(80),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    fc.constantFrom(...refusedLinks.map((l) => l.token), usable.token.slice(0, -1), `${usable.token}x`, usable.token.toUpperCase()),
  );
  /** The usable token only on another job's path (refused), else anything. */
  const tokenFor = (path: string) => (path === usable.jobPath ? wrongToken : fc.oneof(wrongToken, fc.constant(usable.token)));
  const refusedPage = (answer: { status: number }, request: FuzzRequest) => {
    if (is4xx(answer.status)) return undefined;
    // A person opening a used, revoked or expired link is still sent on to the app, which says which it is.
    const html = /text\/html/.test(request.headers?.accept ?? '');
    const forwardable = refusedLinks.some((l) => request.path.startsWith(`${l.jobPath}:`) && request.path.includes(`token=${encodeURIComponent(l.token)}`));
    return answer.status === 302 && html && forwardable ? undefined : 'expected a 4xx';
  };

  /** A used, revoked or expired link with its own token: 409, 403, 410. */
  const refusedLink = fc.constantFrom(...refusedLinks);
  const invoke: Target = {
    name: 'binding link (invokeAuthenticator)',
    runs: 400,
    requests: fc
      .oneof(
        jobPath.chain((path) => fc.tuple(fc.constant(path), fc.option(tokenFor(path), { nil: undefined }))),
        refusedLink.map((link) => [link.jobPath, link.token] as [string, string | undefined]),
      )
      .chain(([path, token]) => fc.tuple(fc.constant(path), fc.constant(token), fc.constantFrom('application/json', 'text/html', '*/*', 'text/html,application/xhtml+xml')))
      .map(([path, token, accept]) => ({
        via: 'cloud' as const,
        method: 'GET',
        path: `${path}:invokeAuthenticator${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`,
        headers: { accept },
      })),
    check: (request, answer) => refusedPage(answer, request),
  };

  const getInfo: Target = {
    name: 'binding protocol getInfo',
    runs: 300,
    requests: fc
      .oneof(
        jobPath.chain((path) => fc.tuple(fc.constant(path), fc.oneof(junkAuthorization, tokenFor(path).map((token) => `Bearer ${token}`)))),
        refusedLink.map((link) => [link.jobPath, `Bearer ${link.token}`] as [string, string | undefined]),
      )
      .chain(([path, authorization]) => fc.tuple(fc.constant(path), fc.constant(authorization), anyBody))
      .map(([path, authorization, body]) => ({
        via: 'cloud' as const,
        method: 'POST',
        path: `${path}:getInfo`,
        headers: { authorization, ...(body ? { 'content-type': body.type } : {}) },
        ...(body ? { body: body.body } : {}),
      })),
  };

  const proofBody = fc.oneof(
    fc.constantFrom(...fx.badProofs).map((raw) => JSON.stringify({ type: 'JWT', raw })),
    printable(300).map((raw) => JSON.stringify({ type: 'JWT', raw })),
    fc.tuple(printable(10).filter((type) => type !== 'JWT'), fc.constantFrom(...fx.badProofs)).map(([type, raw]) => JSON.stringify({ type, raw })),
    nonObject.map((raw) => JSON.stringify({ type: 'JWT', raw })),
  );
  const bind: Target = {
    name: 'binding protocol bind',
    runs: 500,
    requests: fc.oneof(
      // The usable link with a proof that is wrong, or a body that is not one.
      fc
        .oneof(proofBody.map((body) => ({ body, type: JSON_TYPE })), badBody(['type', 'raw'], MAX_CLOUD_BODY))
        .map((body) => ({
          via: 'cloud' as const,
          method: 'POST',
          path: `${usable.jobPath}:bind`,
          headers: { authorization: `Bearer ${usable.token}`, 'content-type': body.type },
          body: body.body,
        })),
      // Any other link or token, even with a valid proof.
      fc
        .oneof(
          jobPath.chain((path) => fc.tuple(fc.constant(path), fc.oneof(junkAuthorization, tokenFor(path).map((token) => `Bearer ${token}`)))),
          refusedLink.map((link) => [link.jobPath, `Bearer ${link.token}`] as [string, string | undefined]),
        )
        .map(([path, authorization]) => ({
          via: 'cloud' as const,
          method: 'POST',
          path: `${path}:bind`,
          headers: { authorization, 'content-type': JSON_TYPE },
          body: JSON.stringify({ type: 'JWT', raw: fx.usedLinkProof }),
        })),
    ),
  };

  // CORS: no origin but the trusted one is ever granted.
  const preflight: Target = {
    name: 'binding protocol CORS preflight',
    runs: 150,
    requests: fc
      .tuple(
        jobPath,
        fc.constantFrom(':bind', ':getInfo', ':invokeAuthenticator'),
        fc.oneof(printable(60), fc.constantFrom('null', 'http://localhost:3001', 'https://localhost:3000', 'http://localhost:3000.evil.example')).filter((origin) => origin !== fx.appOrigin),
      )
      .map(([path, verb, origin]) => ({
        via: 'cloud' as const,
        method: 'OPTIONS',
        path: `${path}${verb}`,
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      })),
    check: (_request, answer) => {
      if (answer.status >= 500) return '5xx';
      return answer.headers.get('access-control-allow-origin') ? 'granted CORS to an untrusted origin' : undefined;
    },
  };
  return [invoke, getInfo, bind, preflight];
}

// ---------------------------------------------------------------------------
// Console API
// ---------------------------------------------------------------------------

/** Console GET routes that read a query, with values they must refuse. */
/** Not an integer in 1..100 even to `z.coerce.number()` (which reads '+5', ' 5' and '0x10' as numbers). */
const consolePageSize = fc
  .oneof(
    fc.integer({ min: 101 }).map(String),
    fc.integer({ max: 0 }).map(String),
    fc.constantFrom('1.5', '1e3', 'NaN', 'Infinity', '0x0', ''),
    printable(8, 1).filter((v) => Number.isNaN(Number(v))),
  )
  .filter((v) => v !== '')
  .map((v) => `page_size=${encodeURIComponent(v)}`);
const CONSOLE_BAD_QUERIES: Partial<Record<ConsoleRouteName, fc.Arbitrary<string>>> = {
  listIdentities: fc.oneof(consolePageSize, printable(20).map((s) => `q=${encodeURIComponent(`${'x'.repeat(65)}${s}`)}`)),
  listTokens: consolePageSize,
  bindingLinkCurl: fc.oneof(fc.constant(''), badId.map((v) => `application_id=${encodeURIComponent(v)}`)),
};

function consoleTargets(fx: Fixtures): Target[] {
  const targets: Target[] = [];
  for (const [name, route] of Object.entries(CONSOLE_API_ROUTES) as [ConsoleRouteName, { method: string; path: string }][]) {
    if (name === 'signIn') continue;
    const params = paramsOf(route.path);
    const others = params.filter((p) => p !== 'realm_id');
    const hasBody = route.method === 'POST' || route.method === 'PATCH';
    // A fresh session per target, so none ages into a `last_seen_time` write during its requests.
    let session: { cookie: string; csrf: string } | undefined;
    const current = () => session!;
    const request = (ids: Record<string, string>, headers: Record<string, string | undefined>, body?: { body: string; type: string }, query?: string): FuzzRequest => ({
      via: 'cloud',
      method: route.method,
      path: withQuery(fill(route.path, ids), query),
      headers: { accept: JSON_TYPE, ...headers, ...(body ? { 'content-type': body.type } : {}) },
      ...(body && hasBody ? { body: body.body } : {}),
    });
    const signedIn = (csrf = true) => ({ cookie: current().cookie, ...(csrf && route.method !== 'GET' ? { [CSRF_HEADER]: current().csrf } : {}) });
    const anyIds = idsFor(params, (p) => fc.oneof(fc.constant(p === 'realm_id' ? fx.realmId : fx.identityId), unknownId, badIdSegment));

    const families: fc.Arbitrary<FuzzRequest>[] = [
      // No session: 401.
      fc
        .tuple(anyIds, fc.oneof(junkCookie(fx.consoleCookie), fc.constant(fx.signedOutConsoleCookie)), fc.option(printable(43), { nil: undefined }), anyBody)
        .map(([ids, cookie, csrf, body]) => request(ids, { cookie, [CSRF_HEADER]: csrf }, body)),
    ];
    if (route.method !== 'GET') {
      // A session but no (or a wrong) CSRF token: 403.
      families.push(
        fc
          .tuple(anyIds, fc.option(printable(43), { nil: undefined }), anyBody)
          .map(([ids, csrf, body]) => request(ids, { cookie: current().cookie, [CSRF_HEADER]: csrf === current().csrf ? undefined : csrf }, body)),
      );
    }
    if (params.includes('realm_id')) {
      // A realm that is not the admin's: 404.
      families.push(
        fc
          .tuple(fc.oneof(unknownId, badIdSegment), idsFor(others, () => unknownId), hasBody ? anyBody : fc.constant(undefined))
          .map(([realm, ids, body]) => request({ ...ids, realm_id: realm }, signedIn(), body)),
      );
    }
    if (others.length > 0) {
      // Ids of nothing (or malformed) in the admin's realm: 404 or 400.
      families.push(
        fc
          .tuple(idsFor(others, () => fc.oneof(unknownId, badIdSegment)), hasBody ? anyBody : fc.constant(undefined), junkQuery)
          .map(([ids, body, query]) => request({ ...ids, realm_id: fx.realmId }, signedIn(), body, query)),
      );
    } else if (hasBody) {
      // A body the route cannot accept. (A theme PATCH of known keys would be valid, so no wrapper game there.)
      const keys = name === 'createToken' ? ['scopes', 'display_name'] : name === 'createIdentity' ? ['username', 'email'] : name === 'createBatch' ? ['identity_ids', 'application_id'] : ['application', 'authenticator_config'];
      families.push(badBody(keys, MAX_CLOUD_BODY, { wrapper: name !== 'updateTheme' }).map((body) => request({ realm_id: fx.realmId }, signedIn(), body)));
    }
    const badQuery = CONSOLE_BAD_QUERIES[name];
    if (badQuery) {
      const existing = (p: string) => fc.constant(p === 'identity_id' ? fx.identityId : fx.realmId);
      families.push(fc.tuple(idsFor(params, existing), badQuery).map(([ids, query]) => request(ids, signedIn(), undefined, query)));
    }
    targets.push({
      name: `console ${name}`,
      runs: 80,
      requests: fc.oneof(...families),
      prepare: () => {
        session = fx.consoleSession();
      },
    });
  }

  // Signing in: malformed bodies, and (a few, each costs a real password hash) credentials that are wrong.
  targets.push({
    name: 'console signIn',
    runs: 120,
    requests: fc
      .oneof(
        { weight: 9, arbitrary: badBody(['username', 'password'], MAX_CLOUD_BODY) },
        {
          weight: 9,
          arbitrary: fc
            .oneof(
              fc.record({ username: nonObject, password: printable(10) }),
              fc.record({ username: fc.constant(''), password: printable(10) }),
              fc.record({ username: printable(20, 1), password: fc.constant('') }),
              fc.record({ username: fc.constant('x'.repeat(65)), password: printable(10, 1) }),
              fc.record({ username: printable(20, 1) }),
            )
            .map((value) => ({ body: JSON.stringify(value), type: JSON_TYPE })),
        },
        { weight: 1, arbitrary: fc.record({ username: printable(20, 1).filter((u) => u.trim() !== '' && u.trim().toLowerCase() !== 'root'), password: printable(20, 1) }).map((value) => ({ body: JSON.stringify(value), type: JSON_TYPE })) },
      )
      .map((body) => ({ via: 'cloud' as const, method: 'POST', path: '/console/api/session', headers: { 'content-type': body.type, accept: JSON_TYPE }, body: body.body })),
    // A refused sign-in is counted, in the database that every HTTP worker shares: that is the rate limit.
    mayChange: { console_sign_in_attempts: '0' },
  });
  return targets;
}

// ---------------------------------------------------------------------------
// The app backend: /api/* and /auth/*
// ---------------------------------------------------------------------------

function appTargets(fx: Fixtures): Target[] {
  const post = (path: string, body: { body: string; type: string } | undefined, headers: Record<string, string | undefined> = {}): FuzzRequest => ({
    via: 'app',
    method: 'POST',
    path,
    headers: { ...headers, ...(body ? { 'content-type': body.type } : {}) },
    ...(body ? { body: body.body } : {}),
  });
  const json = (value: unknown) => ({ body: JSON.stringify(value), type: JSON_TYPE });
  const noSession = fc.oneof(junkCookie('bindery_session'), fc.constant(`bindery_session=${encodeURIComponent(tampered(fx.appSessionCookie))}`));
  const appBadBody = (keys: string[]) => badBody(keys, MAX_APP_BODY);

  return [
    {
      name: 'app POST /api/signup',
      runs: 300,
      requests: fc
        .oneof(
          appBadBody(['username', 'email', 'display_name']),
          // Every field present, at least one wrong.
          fc
            .tuple(
              fc.stringMatching(/^[a-z0-9._-]{1,20}$/),
              fc.oneof(
                wrongField('username', ['', ' ', 'a b', 'x'.repeat(65), '<b>', '{x}', 'a/b', 'a:b']),
                wrongField('email', ['', 'no-at-sign', 'a@b', 'a b@c.de', `${'x'.repeat(250)}@e.com`, '@example.com']),
                wrongField('display_name', ['', ' ', 'x'.repeat(65), '<b>', '{x}', 'a;b']),
              ),
            )
            .map(([username, [field, wrong]]) => json({ username: `fz-${username}`, email: `${username}@example.com`, display_name: 'Fuzz', [field]: wrong })),
        )
        .map((body) => post('/api/signup', body)),
    },
    {
      name: 'app GET /api/me and /api/me/credentials without a session',
      runs: 150,
      requests: fc.tuple(fc.constantFrom('/api/me', '/api/me/credentials'), noSession).map(([path, cookie]) => ({ via: 'app' as const, method: 'GET', path, headers: { cookie } })),
    },
    {
      name: 'app POST /api/me/* without a session',
      runs: 200,
      requests: fc
        .tuple(fc.oneof(fc.constantFrom('/api/me/binding-link', '/api/me/email-link'), fc.oneof(unknownId, fc.constant(fx.credentialId)).map((id) => `/api/me/credentials/${id}/revoke`)), noSession, anyBody)
        .map(([path, cookie, body]) => post(path, body ?? json({}), { cookie })),
    },
    {
      name: 'app POST /api/me/binding-link with a bad redirect path',
      runs: 200,
      requests: fc
        .oneof(
          appBadBody(['post_binding_redirect_path']),
          fc
            .oneof(
              nonObject.filter((v) => typeof v !== 'string' && v !== null),
              printable(60).filter((s) => !/^\/(?!\/)[^\s\\]*$/.test(s)),
              printable(40).map((s) => `//${s}`),
              printable(40).map((s) => `/\\${s}`),
              fc.constantFrom('https://evil.example/', 'javascript:alert(1)', '/a b', `/${'x'.repeat(600)}`),
            )
            .map((path) => json({ post_binding_redirect_path: path })),
        )
        .map((body) => post('/api/me/binding-link', body, { cookie: fx.appSessionCookie })),
    },
    {
      name: 'app POST /api/me/credentials/:id/revoke of no credential of mine',
      runs: 150,
      // Ids of nothing, and malformed ones: those the app refuses itself, and those of its shape the cloud refuses.
      requests: fc.oneof(unknownId, badIdSegment).map((id) => post(`/api/me/credentials/${id}/revoke`, json({}), { cookie: fx.appSessionCookie })),
    },
    {
      name: 'app POST /api/email-link',
      runs: 200,
      requests: fc
        .oneof(
          appBadBody(['username']),
          fc.oneof(nonObject.filter((v) => typeof v !== 'string'), fc.constantFrom('', '   ', 'x'.repeat(255))).map((username) => json({ username })),
        )
        .map((body) => post('/api/email-link', body)),
    },
    {
      name: 'app POST /api/binding-link/preview',
      runs: 400,
      requests: fc
        .oneof(
          appBadBody(['api_base_url', 'token', 'own']),
          // Link parameters that do not make a usable link: another cloud, tenant or realm, malformed ids, a wrong token, a refused link.
          fc
            .record({
              api_base_url: fc.oneof(fc.constant(fx.cloudUrl), printable(40), fc.constantFrom(`${fx.cloudUrl}/x`, `${fx.cloudUrl}?a=1`, 'http://169.254.169.254', `http://user:pw@${new URL(fx.cloudUrl).host}`)),
              tenant_id: fc.oneof(fc.constant(fx.tenantId), badId),
              realm_id: fc.oneof(fc.constant(fx.realmId), unknownId),
              identity_id: fc.oneof(fc.constant(fx.identityId), badId, unknownId),
              job_id: fc.oneof(fc.constantFrom(...Object.values(fx.jobs).map((l) => l.jobId)), badId, unknownId),
              token: fc.oneof(printable(60), fc.constantFrom(...[fx.jobs.used, fx.jobs.revoked, fx.jobs.expired].map((l) => l.token), `${fx.jobs.usable.token}x`)),
            })
            .map((params) => json(params)),
          fc.oneof(unknownId, badId, fc.constant(fx.jobs.usable.jobId)).map((jobId) => json({ job_id: jobId, own: true })),
        )
        .chain((body) => fc.tuple(fc.constant(body), fc.oneof(fc.constant(undefined), fc.constant(fx.appSessionCookie))))
        .map(([body, cookie]) => {
          // `own` previews of the signed-in person's usable job would be a success: only unknown jobs, or no session.
          const own = body.type === JSON_TYPE && /"own":true/.test(body.body) && body.body.includes(fx.jobs.usable.jobId);
          return post('/api/binding-link/preview', body, own ? {} : { cookie });
        }),
      check: (_request, answer) => {
        if (is4xx(answer.status)) return undefined;
        if (answer.status !== 200) return 'expected a 4xx or 200 with a state';
        const state = (JSON.parse(answer.text) as { state?: string }).state;
        return state && state !== 'usable' ? undefined : `a link that is not usable previewed as ${state}`;
      },
    },
    {
      name: 'app unknown /api/* paths',
      runs: 100,
      requests: fc
        .tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), printable(40).map((s) => `/api/${encodeURIComponent(s)}x`), anyBody)
        .map(([method, path, body]) => ({
          via: 'app' as const,
          method,
          path,
          headers: { 'content-type': body?.type ?? JSON_TYPE },
          ...(body && method !== 'GET' ? { body: body.body } : {}),
        })),
    },
    {
      name: 'app POST /api/* that is not JSON (the CSRF guard)',
      runs: 150,
      requests: fc
        .tuple(fc.constantFrom('/api/signup', '/api/logout', '/api/email-link', '/api/me/binding-link', '/api/binding-link/preview'), notJsonContentType, printable(100))
        .map(([path, type, body]) => post(path, { body, type }, { cookie: fx.appSessionCookie })),
    },
    {
      name: 'app GET /auth/callback (no sign-in in progress, or a forged one)',
      runs: 150,
      requests: fc
        .tuple(junkQuery, fc.oneof(junkCookie('bindery_oidc'), fc.constant(undefined)))
        .map(([query, cookie]) => ({ via: 'app' as const, method: 'GET', path: withQuery('/auth/callback', query ?? undefined), headers: { cookie } })),
      check: (_request, answer) => (answer.status === 302 && /^\/\?sign_in_error=(failed|expired|denied)$/.test(answer.headers.get('location') ?? '') ? undefined : 'expected 302 to /?sign_in_error=…'),
    },
    {
      name: 'app POST /auth/logout from another site',
      runs: 100,
      requests: fc
        .oneof(printable(60), fc.constantFrom('null', 'http://localhost:3001', 'https://localhost:3000', 'http://localhost:3000.evil.example'))
        .filter((origin) => origin !== fx.appOrigin)
        .map((origin) => ({ via: 'app' as const, method: 'POST', path: '/auth/logout', headers: { origin, cookie: fx.appSessionCookie } })),
      check: (_request, answer) => (answer.status === 403 && !answer.headers.get('set-cookie') ? undefined : 'expected 403 and the cookie kept'),
    },
    {
      // Not refusals, but public: whatever they are sent, they must not fail or change anything.
      name: 'app GET /auth/login, /api/config, /api/health with junk',
      runs: 150,
      requests: fc
        .tuple(fc.constantFrom('/auth/login', '/api/config', '/api/health'), junkQuery, printable(60))
        .map(([path, query, returnTo]) => ({ via: 'app' as const, method: 'GET', path: path === '/auth/login' ? `${path}?return_to=${encodeURIComponent(returnTo)}${query ? `&${query}` : ''}` : withQuery(path, query) })),
      check: (request, answer) => {
        if (!request.path.startsWith('/auth/login')) return answer.status === 200 ? undefined : 'expected 200';
        const location = answer.headers.get('location') ?? '';
        return answer.status === 302 && (location.startsWith(`${fx.cloudUrl}/`) || /^\/\?sign_in_error=/.test(location)) ? undefined : 'expected 302 to the cloud or to /?sign_in_error';
      },
    },
  ];
}

/** `[field, value]` with a value the field never accepts: another type, or one of `invalid`. */
function wrongField(field: string, invalid: string[]): fc.Arbitrary<[string, unknown]> {
  return fc.oneof(nonObject.filter((v) => typeof v !== 'string'), fc.constantFrom(...invalid)).map((value) => [field, value] as [string, unknown]);
}

/** The session cookie's value with one character of its payload changed (the signature no longer matches). */
function tampered(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const i = Math.floor(value.length / 3);
  return `${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`;
}

/** Cloud paths that exist nowhere. */
function unknownCloudPaths(): Target {
  return {
    name: 'cloud unknown paths',
    runs: 100,
    requests: fc
      .tuple(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), printable(60).map((s) => `/${encodeURIComponent(s)}/x`), anyBody)
      .map(([method, path, body]) => ({ via: 'cloud' as const, method, path, headers: body ? { 'content-type': body.type } : {}, ...(body && method !== 'GET' ? { body: body.body } : {}) })),
  };
}

/**
 * What anyone may fetch: the app's pages and built files (with paths that try to climb out of
 * the build), the cloud's health, the application's discovery and JWKS, and the local inbox.
 */
function publicTargets(fx: Fixtures): Target[] {
  const climb = fc.constantFrom('../', '..%2f', '%2e%2e/', '%2e%2e%2f', '..%5c', '%5c..%5c', '....//', '.%2e/', '%252e%252e/');
  const beyond = fc.constantFrom('dev-tenant.json', 'secrets/app-session.key', 'secrets/seal.key', 'cloud.sqlite', 'etc/passwd', 'index.html', 'assets/app-Fz12.js');
  const page = fc.oneof(
    fc.tuple(fc.constantFrom('/assets/', '/', '/bind/', '/console/', '/api/'), fc.array(climb, { minLength: 1, maxLength: 6 }), beyond)
      .map(([start, ups, file]) => `${start}${ups.join('')}${file}`),
    fc.tuple(fc.constantFrom('/', '/assets/', '/bind?token='), printable(40)).map(([start, junk]) => `${start}${encodeURIComponent(junk)}`),
    fc.constantFrom('/%00', '/assets/%00.js', '/assets/', '/assets', '//dev-tenant.json', '/.vite/manifest.json', fx.build.asset.path),
  );
  const leaks = (text: string) => fx.secrets.some((secret) => text.includes(secret));
  const files: Target = {
    name: 'app GET of pages and built files, with paths climbing out of the build',
    runs: 400,
    requests: fc.tuple(fc.constantFrom('GET', 'HEAD'), page).map(([method, path]) => ({ via: 'app' as const, method, path })),
    check: (request, answer) => {
      if (leaks(answer.text)) return 'a secret of DATA_DIR in the answer';
      if (answer.status === 200 && request.method === 'GET' && answer.text !== fx.build.html && answer.text !== fx.build.asset.text) {
        return 'a 200 that is neither the SPA page nor a built file';
      }
      return answer.status === 200 || is4xx(answer.status) ? undefined : 'expected the page, a built file or a 4xx';
    },
  };

  const issuer = `/v1/tenants/${fx.tenantId}/realms/${fx.realmId}/applications/${fx.oidcApp.applicationId}`;
  const publicPaths = ['/health', `${issuer}/.well-known/openid-configuration`, `${issuer}/.well-known/jwks.json`];
  const documents: Target = {
    name: 'cloud GET /health and the application\'s discovery and JWKS, with junk; other methods',
    runs: 200,
    requests: fc
      .tuple(fc.constantFrom('GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'), fc.constantFrom(...publicPaths), junkQuery, fc.oneof(junkAuthorization, fc.constant(undefined)), anyBody)
      .map(([method, path, query, authorization, body]) => ({
        via: 'cloud' as const,
        method,
        path: withQuery(path, query),
        headers: { authorization, ...(body && method !== 'GET' ? { 'content-type': body.type } : {}) },
        ...(body && method !== 'GET' ? { body: body.body } : {}),
      })),
    check: (request, answer) => {
      if (request.method !== 'GET') return is4xx(answer.status) ? undefined : 'expected a 4xx';
      if (answer.status !== 200) return 'expected 200';
      try {
        JSON.parse(answer.text);
        return undefined;
      } catch {
        return 'expected JSON';
      }
    },
  };

  const inbox: Target = {
    name: 'cloud /inbox and /inbox/messages: from another host name, or not a GET',
    runs: 150,
    requests: fc
      .tuple(
        fc.constantFrom('/inbox', '/inbox/messages', '/inbox/x'),
        fc.oneof(printable(40).map((h) => h.replace(/[\r\n]/g, '')), fc.constantFrom('evil.example', 'localhost.evil.example', '127.0.0.2', 'LOCALHOST:1@evil.example', '[::2]')),
        fc.constantFrom('GET', 'POST', 'DELETE'),
      )
      .map(([path, host, method]) => ({ via: 'cloud' as const, method, path, headers: { host } })),
    // The inbox answers only on this machine (421 otherwise): a junk Host that is still a local
    // name, e.g. `localhost:1`, may see it; then only GET of its two pages is a 200.
    check: (request, answer) => {
      if (is4xx(answer.status)) return undefined;
      const local = /^(localhost|127\.0\.0\.1|\[::1\])(:\d*)?$/i.test(request.headers?.host ?? '');
      return answer.status === 200 && local && request.method === 'GET' && request.path !== '/inbox/x' ? undefined : 'expected 421 or another 4xx';
    },
  };

  return [files, documents, inbox];
}

/** Every target: management operations, OAuth/OIDC, the binding protocol, the console API, the app and what is public. */
export function buildTargets(fx: Fixtures): Target[] {
  return [...managementTargets(fx), ...oauthTargets(fx), ...bindingTargets(fx), ...consoleTargets(fx), ...appTargets(fx), ...publicTargets(fx), unknownCloudPaths()];
}
