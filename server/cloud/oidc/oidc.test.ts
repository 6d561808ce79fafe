import { createHash, randomBytes } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { APP_ORIGIN, createTestCloud, identityBody, type ApiResponse, type TestCloud } from '../test/harness';

/**
 * The OpenID Connect sign-in as the real Beyond Identity SDK drives it
 * (/work/shared/bi-protocol.md, "Authentication with the bound passkey"):
 * authorize -> 302 to `{invoke_url}/bi-authenticate?request=<JWT>` -> the
 * passkey's proof at `bi-authenticate` -> code -> PKCE token exchange ->
 * userinfo. Every request goes through the in-process cloud.
 */

let t: TestCloud;
beforeEach(() => {
  t = createTestCloud();
});

const REDIRECT_URI = `${APP_ORIGIN}/auth/callback`;
const issuerPath = () => `${t.realmPath()}/applications/${t.tenant.app.application_id}`;
/** What the cloud names itself: `{auth_base}{issuer path}`. */
const issuer = () => `${t.config.authBaseUrl}${issuerPath()}`;
const now = () => t.cloud.deps.clock();
const seconds = () => Math.floor(now().getTime() / 1000);
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const lastAudit = () => t.cloud.deps.repos.audit.list(t.tenant.tenant_id, { limit: 1 })[0]!;
const auditActions = () => t.cloud.deps.repos.audit.list(t.tenant.tenant_id, { limit: 1000 }).map((e) => e.action);

/** OIDC endpoints are not part of the management API spec: no conformance check, no API token. */
const oidc = <T = any>(method: string, path: string, opts: { headers?: Record<string, string>; rawBody?: string } = {}): Promise<ApiResponse<T>> =>
  t.request<T>(method, path, { token: null, conformance: false, ...opts });

// ---------------------------------------------------------------- passkeys

interface Passkey {
  identityId: string;
  credentialId: string;
  /** RFC 7638 thumbprint of the public JWK: the proof's `kid`. */
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  username: string;
  /** `CN={identity}, OU={realm}, O={tenant}`: the proof's `sub`. */
  sub: string;
}

/** Where to enrol: the dev tenant's realm unless told otherwise. */
interface Place {
  tenantId: string;
  realmId: string;
  /** A management token for that realm. */
  token: string;
  authenticatorConfigId: string;
}

/** Creates an identity and binds a passkey to it through the binding protocol (as in binding.test.ts), keeping its private key. */
async function enrol(username = 'ann', place?: Place): Promise<Passkey> {
  const where = place ?? { tenantId: t.tenant.tenant_id, realmId: t.tenant.realm_id, token: t.tenant.management.api_token, authenticatorConfigId: t.tenant.app.authenticator_config_id };
  const realmPath = `/v1/tenants/${where.tenantId}/realms/${where.realmId}`;
  const identity = await t.post(`${realmPath}/identities`, identityBody(username), { token: where.token });
  expect(identity.status).toBe(200);
  const sub = `CN=${identity.body.id}, OU=${where.realmId}, O=${where.tenantId}`;
  const job = await t.post(`${realmPath}/identities/${identity.body.id}/credential-binding-jobs`, {
    job: { delivery_method: 'RETURN', authenticator_config_id: where.authenticatorConfigId },
  }, { token: where.token });
  expect(job.status).toBe(200);
  const link = new URL(job.body.credential_binding_link);
  const token = link.searchParams.get('token')!;
  const jobPath = link.pathname.replace(/:invokeAuthenticator$/, '');

  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const full = await exportJWK(publicKey);
  const publicJwk: JWK = { kty: full.kty!, crv: full.crv!, x: full.x!, y: full.y! };
  const raw = await new SignJWT({ sub, token })
    .setProtectedHeader({ alg: 'ES256', jwk: publicJwk })
    .sign(privateKey);
  const bound = await t.post(`${jobPath}:bind`, { type: 'JWT', raw }, { token: null, headers: { authorization: `Bearer ${token}` } });
  expect(bound.status).toBe(200);
  expect(bound.body.state).toBe('ACTIVE');
  return {
    identityId: identity.body.id,
    credentialId: bound.body.id,
    kid: await calculateJwkThumbprint(publicJwk, 'sha256'),
    privateKey,
    publicJwk,
    username,
    sub,
  };
}

const subject = (identityId: string) => `CN=${identityId}, OU=${t.tenant.realm_id}, O=${t.tenant.tenant_id}`;

// ---------------------------------------------------------------- authorize

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** `GET {issuer}/authorize` with the SDK app's parameters; `overrides` replace them (`undefined` drops one). */
async function authorize(overrides: Record<string, string | undefined> = {}, headers: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: t.tenant.app.client_id,
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state: `st-${randomBytes(6).toString('hex')}`,
    nonce: `nc-${randomBytes(6).toString('hex')}`,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  const response = await oidc('GET', `${issuerPath()}/authorize?${query}`, { headers });
  return { response, verifier, params };
}

async function fetchJwks(): Promise<JSONWebKeySet> {
  const response = await oidc<JSONWebKeySet>('GET', `${issuerPath()}/.well-known/jwks.json`);
  expect(response.status).toBe(200);
  return response.body;
}

const kidsOf = (jwks: JSONWebKeySet) => jwks.keys.map((k) => k.kid).sort();

/** The claims of the request JWT that this test reads (all are checked in the happy path). */
interface RequestClaims extends JWTPayload {
  transaction_id: string;
  authn: {
    base_url: string;
    tid: string;
    rid: string;
    aid: string;
    redirect_uri: string;
    state?: string;
    action: { prove: { transaction_id: string; nonce: string; bi_pol_ver: string } };
  };
}

/** Authorize, expect the 302 to `{invoke_url}/bi-authenticate?request=`, and verify the request JWT as the SDK does (against `jku`). */
async function startSignIn(overrides: Record<string, string | undefined> = {}, headers: Record<string, string> = {}) {
  const { response, verifier, params } = await authorize(overrides, headers);
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!);
  expect(location.origin + location.pathname).toBe(`${APP_ORIGIN}/bi-authenticate`);
  expect([...location.searchParams.keys()]).toEqual(['request']);
  const request = location.searchParams.get('request')!;
  const header = decodeProtectedHeader(request);
  const { payload } = await jwtVerify<RequestClaims>(request, createLocalJWKSet(await fetchJwks()), {
    algorithms: ['RS256'],
    currentDate: now(),
  });
  return { response, verifier, params, request, header, claims: payload };
}

type SignIn = Awaited<ReturnType<typeof startSignIn>>;

// ---------------------------------------------------------------- proof

/** `{authn.base_url}/v1/tenants/{t}/realms/{r}/applications/{aid}/bi-authenticate`, for the passkey's tenant and realm. */
const proofUrl = (claims: RequestClaims) =>
  `${claims.authn.base_url}/v1/tenants/${t.tenant.tenant_id}/realms/${t.tenant.realm_id}/applications/${claims.authn.aid}/bi-authenticate`;

interface ProofOptions {
  /** Claims to replace (or drop with `undefined`). */
  claims?: Record<string, unknown>;
  kid?: string;
  signWith?: CryptoKey;
}

/** The SDK's proof JWT: ES256, kid = thumbprint, signed by the passkey. */
async function proofJwt(passkey: Passkey, signIn: SignIn, options: ProofOptions = {}) {
  const iat = seconds();
  const prove = signIn.claims.authn.action.prove;
  const claims: Record<string, unknown> = {
    iss: passkey.credentialId,
    sub: passkey.sub,
    aud: [proofUrl(signIn.claims)],
    exp: iat + 60,
    nbf: iat,
    iat,
    jti: randomBytes(12).toString('hex'),
    bi_tid: prove.transaction_id,
    bi_non: prove.nonce,
    bi_prf: randomBytes(16).toString('base64url'),
    bi_pol_ver: 'v3',
    flow_type: 'embedded',
    ...options.claims,
  };
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? passkey.kid })
    .sign(options.signWith ?? passkey.privateKey);
}

/** `POST …/bi-authenticate` as the SDK does: `claims={"Jwt":"…"}` (form), from the app's origin. */
async function postProof(url: string, jwt: string, options: { encode?: boolean } = {}) {
  const json = JSON.stringify({ Jwt: jwt });
  return oidc<{ type: string; code?: string; message?: string }>('POST', new URL(url).pathname, {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-correlation-id': randomBytes(8).toString('hex'),
      origin: APP_ORIGIN,
    },
    rawBody: options.encode ? new URLSearchParams({ claims: json }).toString() : `claims=${json}`,
  });
}

async function prove(passkey: Passkey, signIn: SignIn, options: ProofOptions = {}) {
  return postProof(proofUrl(signIn.claims), await proofJwt(passkey, signIn, options));
}

async function expectAllow(response: Awaited<ReturnType<typeof postProof>>): Promise<string> {
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ type: 'allow', code: expect.any(String), message: expect.any(String) });
  return response.body.code!;
}

/** A deny is a 200 `{type: 'deny'}` (the only other shape the SDK decodes); its reason is in the audit log. */
function expectDeny(
  response: Awaited<ReturnType<typeof postProof>>,
  reason: string | RegExp,
  identityId?: string | null,
  applicationId = t.tenant.app.application_id,
) {
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ type: 'deny' });
  const event = lastAudit();
  expect(event).toMatchObject({ action: 'sign_in.deny', actor: 'passkey', resource_type: 'Application', resource_id: applicationId });
  expect(event.detail?.reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  if (identityId !== undefined) expect(event.identity_id).toBe(identityId);
}

// ---------------------------------------------------------------- token

/** The token request for `code`; a `verifier` of null sends no code_verifier at all. */
async function exchange(
  code: string,
  verifier: string | null,
  options: { redirectUri?: string | null; authorization?: string; path?: string } = {},
) {
  const form: Record<string, string> = { grant_type: 'authorization_code', code };
  if (verifier !== null) form.code_verifier = verifier;
  const redirectUri = options.redirectUri === undefined ? REDIRECT_URI : options.redirectUri;
  if (redirectUri !== null) form.redirect_uri = redirectUri;
  return oidc('POST', options.path ?? `${issuerPath()}/token`, {
    headers: {
      authorization: options.authorization ?? basic(t.tenant.app.client_id, t.tenant.app.client_secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    rawBody: new URLSearchParams(form).toString(),
  });
}

const userinfo = (accessToken: string) => oidc('GET', `${issuerPath()}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });

/** The whole flow up to the code. */
async function codeFor(passkey: Passkey, overrides: Record<string, string | undefined> = {}) {
  const signIn = await startSignIn(overrides);
  const code = await expectAllow(await prove(passkey, signIn));
  return { signIn, code, verifier: signIn.verifier };
}

/** The whole flow up to the tokens. */
async function signInFully(passkey: Passkey) {
  const { signIn, code, verifier } = await codeFor(passkey);
  const tokens = await exchange(code, verifier);
  expect(tokens.status).toBe(200);
  return { signIn, code, tokens: tokens.body as { access_token: string; id_token: string } };
}

async function verifyIdToken(idToken: string) {
  return jwtVerify(idToken, createLocalJWKSet(await fetchJwks()), {
    algorithms: ['RS256'],
    issuer: issuer(),
    audience: t.tenant.app.client_id,
    currentDate: now(),
  });
}

// ================================================================= tests

describe('discovery', () => {
  it('describes the application as its own issuer, with an https jwks_uri and the PKCE methods authorize takes', async () => {
    const response = await oidc('GET', `${issuerPath()}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const expectedIssuer = `http://localhost:8787${issuerPath()}`;
    expect(response.body).toMatchObject({
      issuer: expectedIssuer,
      authorization_endpoint: `${expectedIssuer}/authorize`,
      token_endpoint: `${expectedIssuer}/token`,
      userinfo_endpoint: `${expectedIssuer}/userinfo`,
      jwks_uri: `https://localhost:8788${issuerPath()}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256', 'plain'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(new URL(response.body.jwks_uri).protocol).toBe('https:');
  });

  it('serves the JWKS only for existing applications, revalidated on every use', async () => {
    const found = await oidc('GET', `${issuerPath()}/.well-known/jwks.json`);
    expect(found.status).toBe(200);
    expect(found.headers.get('cache-control')).toBe('no-cache');
    // The SDK reads it from the app's origin.
    expect(found.headers.get('access-control-allow-origin')).toBe('*');
    expect((await oidc('GET', `${t.realmPath()}/applications/0000000000000000/.well-known/jwks.json`)).status).toBe(404);
  });

  it('answers 404 for an application that does not exist', async () => {
    const response = await oidc('GET', `${t.realmPath()}/applications/0000000000000000/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
  });

  it('publishes RS256 public keys only', async () => {
    await startSignIn(); // creates the first signing key
    const jwks = await fetchJwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String), n: expect.any(String), e: 'AQAB' });
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(jwks.keys[0]).not.toHaveProperty(priv);
  });
});

describe('sign-in with the bound passkey', () => {
  it('authorize -> request JWT -> proof -> code -> tokens -> userinfo, as the SDK does it', async () => {
    const ann = await enrol('ann');
    const started = seconds();
    const signIn = await startSignIn({}, { 'user-agent': 'Vitest SDK', referer: `${APP_ORIGIN}/login` });
    const within = (value: unknown) => {
      expect(value).toBeGreaterThanOrEqual(started);
      expect(value).toBeLessThanOrEqual(seconds());
    };
    expect(signIn.response.headers.get('cache-control')).toBe('no-store');

    // The request JWT's header: RS256 (the SDK refuses HS256), kid of a published key, https jku.
    expect(signIn.header).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(signIn.header.jku).toBe(`https://localhost:8788${issuerPath()}/.well-known/jwks.json`);
    expect(kidsOf(await fetchJwks())).toContain(signIn.header.kid);

    // Every claim the SDK requires, with the values it relies on.
    const c = signIn.claims;
    for (const path of [
      'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'cid', 'verb', 'transaction_id', 'indirect_uri',
      'origin.ip', 'origin.ua', 'origin.geo', 'origin.ref',
      'authn.base_url', 'authn.tid', 'authn.rid', 'authn.aid', 'authn.redirect_uri', 'authn.mode', 'authn.state',
      'authn.action.prove.transaction_id', 'authn.action.prove.nonce', 'authn.action.prove.bi_pol_ver',
      'authn.authenticator_config.id', 'authn.authenticator_config.display_name', 'authn.authenticator_config.tenant_id',
      'authn.authenticator_config.realm_id', 'authn.authenticator_config.config.type',
      'authn.authenticator_config.config.invoke_url', 'authn.authenticator_config.config.invocation_type',
    ]) {
      expect(c, path).toHaveProperty(path);
    }
    expect(c.iss).toBe(issuer());
    expect(c.sub).toBe(t.tenant.app.application_id);
    expect(Array.isArray(c.aud)).toBe(true);
    within(c.iat);
    expect(c.nbf!).toBeLessThanOrEqual(c.iat!);
    expect(c.exp! - c.iat!).toBe(300);
    expect(c).toMatchObject({
      verb: 'authenticate',
      jti: expect.any(String),
      cid: expect.any(String),
      indirect_uri: expect.any(String),
      origin: { ip: expect.any(String), ua: 'Vitest SDK', geo: expect.any(String), ref: `${APP_ORIGIN}/login` },
      authn: {
        base_url: 'http://localhost:8787',
        tid: t.tenant.tenant_id,
        rid: t.tenant.realm_id,
        aid: t.tenant.app.application_id,
        redirect_uri: REDIRECT_URI,
        mode: 'grant',
        state: signIn.params.state,
        action: { prove: { transaction_id: c.transaction_id, nonce: expect.stringMatching(/.{16,}/), bi_pol_ver: 'v3' } },
        authenticator_config: {
          id: t.tenant.app.authenticator_config_id,
          display_name: 'Bindery App (embedded)',
          tenant_id: t.tenant.tenant_id,
          realm_id: t.tenant.realm_id,
          config: { type: 'embedded', invoke_url: APP_ORIGIN, invocation_type: 'automatic' },
        },
      },
    });

    // The proof, exactly as the SDK posts it.
    expect(proofUrl(c)).toBe(`http://localhost:8787${issuerPath()}/bi-authenticate`);
    const proved = await prove(ann, signIn);
    const code = await expectAllow(proved);
    expect(proved.body.message).toContain('ann');
    expect(proved.headers.get('cache-control')).toBe('no-store');
    expect(proved.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(lastAudit()).toMatchObject({ action: 'sign_in.allow', resource_type: 'Credential', resource_id: ann.credentialId, identity_id: ann.identityId });

    // The token exchange: PKCE + HTTP Basic client authentication.
    const tokens = await exchange(code, signIn.verifier);
    expect(tokens.status).toBe(200);
    expect(tokens.headers.get('cache-control')).toBe('no-store');
    expect(tokens.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, id_token: expect.any(String), scope: 'openid' });

    const { payload: id, protectedHeader } = await verifyIdToken(tokens.body.id_token);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: signIn.header.kid });
    expect(id.iss).toBe(`http://localhost:8787${issuerPath()}`);
    expect(id).toMatchObject({
      sub: ann.identityId,
      aud: t.tenant.app.client_id,
      nonce: signIn.params.nonce,
      preferred_username: 'ann',
      name: 'User ann',
      email: 'ann@example.com',
    });
    within(id.iat);
    expect(id.exp! - id.iat!).toBe(3600);
    // auth_time is when the passkey proved, between the authorize request and the token.
    expect(id.auth_time).toBeGreaterThanOrEqual(c.iat!);
    expect(id.auth_time).toBeLessThanOrEqual(id.iat!);

    const info = await userinfo(tokens.body.access_token);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ sub: ann.identityId, preferred_username: 'ann', name: 'User ann', email: 'ann@example.com' });
    // POST works as well (OIDC Core §5.3.1).
    const posted = await oidc('POST', `${issuerPath()}/userinfo`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
    expect(posted.body).toEqual(info.body);
  });

  it('accepts the claims form field percent-encoded too, and leaves nonce and state out when the app sends none', async () => {
    const ann = await enrol();
    const signIn = await startSignIn({ nonce: undefined, state: undefined });
    expect(signIn.claims.authn).not.toHaveProperty('state');
    const code = await expectAllow(await postProof(proofUrl(signIn.claims), await proofJwt(ann, signIn), { encode: true }));
    const tokens = await exchange(code, signIn.verifier);
    expect(tokens.status).toBe(200);
    const { payload } = await verifyIdToken(tokens.body.id_token);
    expect(payload).not.toHaveProperty('nonce');
  });

  it('refuses userinfo without a valid access token', async () => {
    const missing = await oidc('GET', `${issuerPath()}/userinfo`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(missing.body.error).toBe('invalid_token');
    expect((await userinfo('not-a-token')).status).toBe(401);
    // A management API token is no userinfo token.
    expect((await userinfo(t.tenant.management.api_token)).status).toBe(401);
  });

  it('expires the access token after expires_in', async () => {
    const { tokens } = await signInFully(await enrol());
    t.advance(3599_000);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    t.advance(2_000);
    expect((await userinfo(tokens.access_token)).status).toBe(401);
  });
});

describe('authorize: the redirect to the Invoke URL', () => {
  it.each([
    ['a trailing slash', `${APP_ORIGIN}/`, '/bi-authenticate', {}],
    ['a path and a trailing slash', `${APP_ORIGIN}/shop/`, '/shop/bi-authenticate', {}],
    ['a query', `${APP_ORIGIN}/shop?brand=blue`, '/shop/bi-authenticate', { brand: 'blue' }],
    ['a trailing slash and a query', `${APP_ORIGIN}/?brand=blue&request=stale`, '/bi-authenticate', { brand: 'blue' }],
  ])('appends /bi-authenticate to an Invoke URL with %s, keeping its query and adding the request', async (_what, invokeUrl, path, own) => {
    const configPath = `${t.realmPath()}/authenticator-configs/${t.tenant.app.authenticator_config_id}`;
    const updated = await t.patch(configPath, {
      authenticator_config: { config: { type: 'embedded', invoke_url: invokeUrl, trusted_origins: [APP_ORIGIN] } },
    });
    expect(updated.status).toBe(200);
    const { response } = await authorize();
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${APP_ORIGIN}${path}`);
    expect([...location.searchParams.keys()].sort()).toEqual([...Object.keys(own), 'request'].sort());
    expect(location.searchParams.get('brand')).toBe((own as { brand?: string }).brand ?? null);
    // The request JWT is ours, whole, and verifies as the SDK checks it.
    const request = location.searchParams.get('request')!;
    await jwtVerify(request, createLocalJWKSet(await fetchJwks()), { algorithms: ['RS256'], currentDate: now() });
    expect(decodeJwt(request).authn).toMatchObject({ authenticator_config: { config: { invoke_url: invokeUrl } } });
  });
});

describe('authorize refusals', () => {
  /** An error page of our own: 400 HTML and never a redirect (no open redirector). */
  function expectErrorPage(response: ApiResponse, text: string) {
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.body).toContain(text);
  }

  it('shows a page, without redirecting, for a redirect_uri that is not registered', async () => {
    for (const redirect_uri of ['https://evil.example/auth/callback', `${REDIRECT_URI}/`, `${REDIRECT_URI}?next=x`, 'http://localhost:3000/', undefined]) {
      const { response } = await authorize({ redirect_uri });
      expectErrorPage(response, 'The redirect address of this request is not registered for the application.');
    }
  });

  it('shows a page, without redirecting, for an unknown client_id or application', async () => {
    for (const client_id of ['unknown-client', t.tenant.management.client_id, undefined]) {
      const { response } = await authorize({ client_id });
      expectErrorPage(response, 'This sign-in request names no application we know.');
    }
    const wrongApp = await oidc('GET', `${t.realmPath()}/applications/0000000000000000/authorize?client_id=${t.tenant.app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`);
    expectErrorPage(wrongApp, 'This sign-in request names no application we know.');
    // The Management API application is no OIDC client either, even on its own path.
    const management = await oidc('GET', `${t.realmPath()}/applications/${t.tenant.management.application_id}/authorize?response_type=code&client_id=${t.tenant.management.client_id}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`);
    expectErrorPage(management, 'The redirect address of this request is not registered for the application.');
  });

  /** 302 back to the registered redirect_uri with `error` and the state, and no code. */
  function expectErrorRedirect(response: ApiResponse, error: string, state: string | undefined) {
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('error_description')).toEqual(expect.any(String));
    expect(location.searchParams.get('state')).toBe(state ?? null);
    expect(location.searchParams.has('code')).toBe(false);
    expect(location.searchParams.has('request')).toBe(false);
  }

  it('sends invalid_request back to the app without an S256 PKCE challenge (the seeded application asks pkce s256)', async () => {
    const valid = pkce().challenge;
    const cases: Record<string, string | undefined>[] = [
      { code_challenge: undefined, code_challenge_method: undefined },
      { code_challenge: undefined },
      { code_challenge_method: 'plain' },
      { code_challenge_method: undefined, code_challenge: valid },
      { code_challenge: 'too-short' },
    ];
    for (const overrides of cases) {
      const { response, params } = await authorize(overrides);
      expectErrorRedirect(response, 'invalid_request', params.state);
    }
    // The state is echoed only when there is one.
    const { response } = await authorize({ code_challenge: undefined, state: undefined });
    expectErrorRedirect(response, 'invalid_request', undefined);
  });

  it('sends invalid_request for a state or nonce over 512 characters, without echoing it, and stores nothing', async () => {
    const rows = () => t.db.prepare('SELECT count(*) FROM oidc_transactions').pluck().get() as number;
    const before = rows();
    for (const overrides of [{ state: 's'.repeat(513) }, { nonce: 'n'.repeat(513) }]) {
      const { response } = await authorize(overrides);
      expectErrorRedirect(response, 'invalid_request', undefined);
    }
    expect(rows()).toBe(before);
    // 512 is still taken.
    expect((await authorize({ state: 's'.repeat(512), nonce: 'n'.repeat(512) })).response.headers.get('location')).toMatch(/\/bi-authenticate\?request=/);
  });

  it('sends unsupported_response_type for anything but code', async () => {
    for (const response_type of ['token', 'id_token', 'code id_token', undefined]) {
      const { response, params } = await authorize({ response_type });
      expectErrorRedirect(response, 'unsupported_response_type', params.state);
    }
  });

  it('sends invalid_scope when the scope lacks openid', async () => {
    for (const scope of ['profile', 'openidx', '', undefined]) {
      const { response, params } = await authorize({ scope });
      expectErrorRedirect(response, 'invalid_scope', params.state);
    }
    // openid among others is fine.
    expect((await authorize({ scope: 'profile openid email' })).response.headers.get('location')).toMatch(/\/bi-authenticate\?request=/);
  });
});

describe('bi-authenticate refusals', () => {
  it('denies a proof signed by another key under the passkey’s kid, and still allows the real one', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const other = await generateKeyPair('ES256');
    expectDeny(await prove(ann, signIn, { signWith: other.privateKey }), 'proof rejected: signature verification failed', ann.identityId);
    await expectAllow(await prove(ann, signIn));
  });

  it('denies a proof whose kid names no credential, and a body that is no proof', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const stranger = await generateKeyPair('ES256', { extractable: true });
    const strangerKid = await calculateJwkThumbprint(await exportJWK(stranger.publicKey), 'sha256');
    expectDeny(await prove(ann, signIn, { kid: strangerKid, signWith: stranger.privateKey }), 'unknown credential', null);
    expectDeny(await prove(ann, signIn, { kid: 'x'.repeat(43) }), 'unknown credential', null);

    const url = proofUrl(signIn.claims);
    expectDeny(await postProof(url, 'not.a.jws'), 'proof is not a JWS');
    // A header whose kid is no string (the caller's JSON): a deny, not a 500.
    for (const kid of [{ a: 1 }, true, 7]) {
      const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid })).toString('base64url');
      expectDeny(await postProof(url, `${header}.e30.c2ln`), 'proof is not a JWS');
    }
    for (const body of ['', 'claims=', 'claims={}', 'claims={"Jwt":42}', 'Jwt=abc']) {
      const response = await oidc('POST', new URL(url).pathname, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: body });
      expectDeny(response, 'malformed proof body');
    }
    await expectAllow(await prove(ann, signIn));
  });

  it('denies a proof posted to another application’s path', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const wrongPath = `${t.realmPath()}/applications/0000000000000000/bi-authenticate`;
    const before = auditActions().length;
    const response = await postProof(`http://localhost:8787${wrongPath}`, await proofJwt(ann, signIn));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ type: 'deny' });
    // No application, so nothing to audit: the URL's ids must not reach the tenant's log.
    expect(auditActions()).toHaveLength(before);
  });

  it('denies a revoked credential', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const revoked = await t.post(`${t.realmPath()}/identities/${ann.identityId}/credentials/${ann.credentialId}:revoke`, {});
    expect(revoked.status).toBe(200);
    expect(revoked.body.state).toBe('REVOKED');
    expectDeny(await prove(ann, signIn), 'credential revoked', ann.identityId);
  });

  it('denies a suspended identity, and allows it again once active', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const identityPath = `${t.realmPath()}/identities/${ann.identityId}`;
    expect((await t.patch(identityPath, { identity: { status: 'suspended' } })).body.status).toBe('suspended');
    expectDeny(await prove(ann, signIn), 'identity suspended', ann.identityId);
    expect((await t.patch(identityPath, { identity: { status: 'active' } })).body.status).toBe('active');
    await expectAllow(await prove(ann, signIn));
  });

  it('denies a second proof on the same transaction, even with a fresh jti', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const first = await proofJwt(ann, signIn);
    await expectAllow(await postProof(proofUrl(signIn.claims), first));
    expectDeny(await prove(ann, signIn, { claims: { jti: 'another-jti' } }), 'transaction used or expired', ann.identityId);
    expectDeny(await postProof(proofUrl(signIn.claims), first), 'transaction used or expired', ann.identityId);
    // Another passkey cannot take the used transaction either.
    const bob = await enrol('bob');
    expectDeny(await prove(bob, signIn), 'transaction used or expired', bob.identityId);
  });

  it('denies a wrong bi_non or an unknown bi_tid, without consuming the transaction', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    expectDeny(await prove(ann, signIn, { claims: { bi_non: 'guessed-nonce' } }), 'nonce does not match the transaction', ann.identityId);
    expectDeny(await prove(ann, signIn, { claims: { bi_tid: '0000000000000000' } }), 'unknown transaction', ann.identityId);
    // Another authorize request's nonce does not fit this transaction.
    const other = await startSignIn();
    expectDeny(await prove(ann, signIn, { claims: { bi_non: other.claims.authn.action.prove.nonce } }), 'nonce does not match the transaction', ann.identityId);
    await expectAllow(await prove(ann, signIn));
  });

  it('denies a proof without bi_tid, bi_non or exp', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    expectDeny(await prove(ann, signIn, { claims: { bi_tid: undefined } }), 'proof rejected: missing required "bi_tid" claim');
    expectDeny(await prove(ann, signIn, { claims: { bi_non: undefined } }), 'proof rejected: missing required "bi_non" claim');
    expectDeny(await prove(ann, signIn, { claims: { exp: undefined } }), 'proof rejected: missing required "exp" claim');
    await expectAllow(await prove(ann, signIn));
  });

  it('denies a proof for a transaction older than five minutes', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    t.advance(301_000);
    // The proof itself is fresh (times from the moved clock); only the transaction is stale.
    expectDeny(await prove(ann, signIn), 'transaction used or expired', ann.identityId);
  });

  it('allows a proof just before the transaction expires', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    t.advance(299_000);
    await expectAllow(await prove(ann, signIn));
  });

  it('denies a proof whose exp has passed', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const iat = seconds();
    expectDeny(await prove(ann, signIn, { claims: { iat: iat - 120, nbf: iat - 120, exp: iat - 60 } }), 'proof rejected: "exp" claim timestamp check failed', ann.identityId);
    expectDeny(await prove(ann, signIn, { claims: { nbf: iat + 600, exp: iat + 660 } }), 'proof rejected: "nbf" claim timestamp check failed', ann.identityId);
    await expectAllow(await prove(ann, signIn));
  });

  it('denies a proof for another audience', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const right = proofUrl(signIn.claims);
    for (const aud of [
      [`${t.config.authBaseUrl}${t.realmPath()}/applications/0000000000000000/bi-authenticate`],
      [right.replace('http://localhost:8787', 'http://evil.example')],
      [`${right}/`],
      [],
    ]) {
      expectDeny(await prove(ann, signIn, { claims: { aud } }), 'proof rejected: unexpected "aud" claim value', ann.identityId);
    }
    expectDeny(await prove(ann, signIn, { claims: { aud: undefined } }), 'proof rejected: missing required "aud" claim', ann.identityId);
    // A plain string aud naming this URL is the same audience (RFC 7519 §4.1.3).
    await expectAllow(await prove(ann, signIn, { claims: { aud: right } }));
  });

  it('denies a proof whose sub names another identity', async () => {
    const ann = await enrol();
    const bob = await enrol('bob');
    const signIn = await startSignIn();
    expectDeny(await prove(ann, signIn, { claims: { sub: subject(bob.identityId) } }), 'proof sub names another identity', ann.identityId);
    await expectAllow(await prove(ann, signIn));
  });

  it('writes one sign_in.deny event per deny and no code', async () => {
    const ann = await enrol();
    const signIn = await startSignIn();
    const before = auditActions().length;
    expectDeny(await prove(ann, signIn, { claims: { bi_non: 'x' } }), 'nonce does not match the transaction');
    expect(auditActions().length).toBe(before + 1);
    expect(t.db.prepare('SELECT count(*) FROM oidc_codes').pluck().get()).toBe(0);
  });
});

describe('bi-authenticate denials in the audit log', () => {
  const junk = (applicationId = t.tenant.app.application_id) =>
    oidc('POST', `${t.realmPath()}/applications/${applicationId}/bi-authenticate`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: 'claims={}',
    });
  const denials = () => t.cloud.deps.repos.audit.list(t.tenant.tenant_id, { limit: 10_000 }).filter((e) => e.action === 'sign_in.deny');

  it('records 60 a minute per application one by one; the rest as one count when the minute has ended', async () => {
    for (let i = 0; i < 75; i++) expect((await junk()).body).toEqual({ type: 'deny' });
    expect(denials()).toHaveLength(60);
    expect(denials().every((e) => e.detail?.reason === 'malformed proof body')).toBe(true);

    t.advance(60_000);
    expect((await junk()).body).toEqual({ type: 'deny' });
    const [own, count] = denials();
    expect(own!.detail).toEqual({ reason: 'malformed proof body' });
    expect(count).toMatchObject({ resource_type: 'Application', resource_id: t.tenant.app.application_id, identity_id: null });
    expect(count!.detail).toMatchObject({ reason: 'more denials than are recorded one by one', not_recorded: 15 });
    expect(denials()).toHaveLength(62);
  });

  it('writes the count of the last window without waiting for another denial', async () => {
    const { createSignInDenials } = await import('./bi-authenticate');
    const quick = createSignInDenials(t.cloud.deps, { limit: 2, windowMs: 100 });
    const scope = { tenant_id: t.tenant.tenant_id, realm_id: t.tenant.realm_id, application_id: t.tenant.app.application_id };
    const recorded = [];
    for (let i = 0; i < 5; i++) recorded.push(await quick.deny(scope, { identity_id: null, detail: { reason: 'test' } }));
    expect(recorded).toEqual([true, true, false, false, false]);
    expect(denials()).toHaveLength(2);
    await expect.poll(() => denials().length, { timeout: 2000, interval: 20 }).toBe(3);
    expect(denials()[0]!.detail).toMatchObject({ not_recorded: 3 });
  });
});

describe('bi-authenticate CORS', () => {
  const preflight = (origin: string, path = `${issuerPath()}/bi-authenticate`) =>
    oidc('OPTIONS', path, {
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-correlation-id' },
    });

  it('grants the preflight to the authenticator config’s trusted origin only', async () => {
    const trusted = await preflight(APP_ORIGIN);
    expect(trusted.status).toBe(204);
    expect(trusted.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(trusted.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(trusted.headers.get('access-control-allow-headers')).toMatch(/x-correlation-id/);

    for (const origin of ['https://evil.example', 'http://localhost:3001', 'https://localhost:3000', 'null']) {
      expect((await preflight(origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    // An unknown application trusts nobody.
    const unknown = await preflight(APP_ORIGIN, `${t.realmPath()}/applications/0000000000000000/bi-authenticate`);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('grants the POST itself to the trusted origin only', async () => {
    const url = `${issuerPath()}/bi-authenticate`;
    const post = (origin: string) =>
      oidc('POST', url, { headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, rawBody: 'claims={}' });
    expect((await post(APP_ORIGIN)).headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect((await post('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('token endpoint: authorization code grant', () => {
  it('refuses a replayed code and revokes the access token of its first exchange', async () => {
    const ann = await enrol();
    const { code, verifier } = await codeFor(ann);
    const first = await exchange(code, verifier);
    expect(first.status).toBe(200);
    expect((await userinfo(first.body.access_token)).status).toBe(200);

    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'authorization code already used' });
    expect(replay.body).not.toHaveProperty('access_token');
    const revoked = await userinfo(first.body.access_token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('invalid_token');
  });

  it('revokes the first exchange’s token when a replay raced it (both saw the code unused)', async () => {
    const ann = await enrol();
    const { code, verifier } = await codeFor(ann);
    // A seam on the group commit: each exchange's write waits until both have asked for one, so
    // both read the code unused before either used it. The second unit to run finds it used.
    const write = t.cloud.deps.write;
    const waiting: (() => void)[] = [];
    t.cloud.deps.write = ((fn: () => unknown) =>
      new Promise<void>((resolve) => {
        if (waiting.push(resolve) < 2) return;
        t.cloud.deps.write = write;
        for (const go of waiting) go();
      }).then(() => write(fn))) as typeof write;
    const results = await Promise.all([exchange(code, verifier), exchange(code, verifier)]);
    expect(waiting).toHaveLength(2);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status !== 200)!;
    expect(winner).toBeDefined();
    expect(loser.status).toBe(400);
    expect(loser.body).toEqual({ error: 'invalid_grant', error_description: 'authorization code already used' });
    // RFC 6749 §4.1.2: what the first use issued is revoked, whichever exchange came first.
    const revoked = await userinfo(winner.body.access_token);
    expect(revoked.status).toBe(401);
    expect(lastAudit()).toMatchObject({ action: 'sign_in.code_replay', resource_id: t.tenant.app.application_id, identity_id: ann.identityId, detail: { revoked_tokens: 1 } });
  });

  it('refuses a wrong code_verifier, and (by design) does not burn the code', async () => {
    const ann = await enrol();
    const { code, verifier } = await codeFor(ann);
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });
    // codeGrant checks the verifier before it marks the code used, so a wrong
    // verifier leaves the code redeemable by the client that holds the right
    // one. That is what PKCE wants: whoever intercepted the code cannot spend
    // it, nor spoil it for the real client; guessing a 256-bit verifier in the
    // code's 60 seconds is hopeless. RFC 7636 §4.6 only requires invalid_grant.
    const right = await exchange(code, verifier);
    expect(right.status).toBe(200);
    expect((await userinfo(right.body.access_token)).status).toBe(200);
  });

  it('refuses a missing or malformed code_verifier as invalid_request', async () => {
    const ann = await enrol();
    const { code, verifier } = await codeFor(ann);
    for (const bad of ['', 'short', `${verifier}!`]) {
      const response = await exchange(code, bad);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('invalid_request');
    }
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a redirect_uri other than the authorize request’s', async () => {
    const ann = await enrol();
    const { code, verifier } = await codeFor(ann);
    for (const redirectUri of [`${APP_ORIGIN}/elsewhere`, `${REDIRECT_URI}/`, null]) {
      const response = await exchange(code, verifier, { redirectUri });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_grant', error_description: 'redirect_uri does not match' });
    }
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const ann = await enrol();
    const { code, verifier } = await codeFor(ann);
    for (const authorization of [
      basic(t.tenant.app.client_id, 'wrong-secret'),
      basic(t.tenant.app.client_id, ''),
      basic('unknown', t.tenant.app.client_secret),
      basic(t.tenant.management.client_id, t.tenant.management.client_secret),
    ]) {
      const response = await exchange(code, verifier, { authorization });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="token"');
    }
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a code at another application’s token endpoint', async () => {
    const ann = await enrol();
    const { code, verifier } = await codeFor(ann);
    const management = await exchange(code, verifier, {
      path: `${t.realmPath()}/applications/${t.tenant.management.application_id}/token`,
      authorization: basic(t.tenant.management.client_id, t.tenant.management.client_secret),
    });
    expect(management.status).toBe(400);
    expect(management.body).toEqual({ error: 'invalid_grant', error_description: 'unknown authorization code' });
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses an unknown code and an expired one', async () => {
    const ann = await enrol();
    const unknown = await exchange('no-such-code', pkce().verifier);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: 'invalid_grant', error_description: 'unknown authorization code' });

    const { code, verifier } = await codeFor(ann);
    t.advance(61_000);
    const expired = await exchange(code, verifier);
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual({ error: 'invalid_grant', error_description: 'authorization code expired' });
  });

  it('still exchanges a code just before it expires', async () => {
    const { code, verifier } = await codeFor(await enrol());
    t.advance(59_000);
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a code whose passkey was revoked or whose identity was suspended since the proof', async () => {
    const ann = await enrol('ann');
    const revokedCode = await codeFor(ann);
    expect((await t.post(`${t.realmPath()}/identities/${ann.identityId}/credentials/${ann.credentialId}:revoke`, {})).status).toBe(200);
    const afterRevoke = await exchange(revokedCode.code, revokedCode.verifier);
    expect(afterRevoke.body).toEqual({ error: 'invalid_grant', error_description: 'the passkey has been revoked' });

    const bob = await enrol('bob');
    const suspendedCode = await codeFor(bob);
    const { tokens } = await signInFully(bob);
    expect((await t.patch(`${t.realmPath()}/identities/${bob.identityId}`, { identity: { status: 'suspended' } })).status).toBe(200);
    const afterSuspend = await exchange(suspendedCode.code, suspendedCode.verifier);
    expect(afterSuspend.body).toEqual({ error: 'invalid_grant', error_description: 'the identity is suspended' });
    // And userinfo stops answering for a suspended identity.
    expect((await userinfo(tokens.access_token)).status).toBe(401);
  });

  it('refuses a code whose identity was deleted meanwhile', async () => {
    const ann = await enrol();
    const { code, verifier } = await codeFor(ann);
    expect((await t.del(`${t.realmPath()}/identities/${ann.identityId}`)).status).toBe(200);
    const response = await exchange(code, verifier);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });
});

describe('PKCE as the application’s pkce setting asks', () => {
  const appPath = () => `${t.realmPath()}/applications/${t.tenant.app.application_id}`;

  /** Sets the seeded application's `pkce` through UpdateApplication (the seed asks s256). */
  async function setPkce(pkce: 'disabled' | 'plain' | 's256') {
    const updated = await t.patch(appPath(), { application: { protocol_config: { pkce } } });
    expect(updated.status).toBe(200);
    expect(updated.body.protocol_config.pkce).toBe(pkce);
  }

  /** A plain challenge is the verifier itself: 43 to 128 unreserved characters, '.' and '~' included (not base64url). */
  const plainVerifier = () => `${randomBytes(32).toString('base64url')}.~`;

  /** Authorize with these PKCE parameters only (`undefined` leaves one out). */
  const authorizeWith = (code_challenge: string | undefined, code_challenge_method: string | undefined) =>
    authorize({ code_challenge, code_challenge_method });

  /** A 302 to the Invoke URL: the request was taken. */
  function expectTaken(response: ApiResponse) {
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/\/bi-authenticate\?request=/);
  }

  /** A 302 back to the app with invalid_request, and no request JWT. */
  function expectInvalidRequest(response: ApiResponse, description?: string) {
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    if (description) expect(location.searchParams.get('error_description')).toBe(description);
    expect(location.searchParams.has('request')).toBe(false);
  }

  /** The PKCE columns of the transaction a sign-in started. */
  const storedChallenge = (signIn: SignIn) =>
    t.db.prepare('SELECT code_challenge, code_challenge_method FROM oidc_transactions WHERE id = ?').get(signIn.claims.transaction_id);

  const tooShort = 'a'.repeat(42);
  const tooLong = 'a'.repeat(129);

  it('at authorize: takes or refuses each kind of request as each pkce setting says', async () => {
    const requests: [string, () => string | undefined, string | undefined, Record<'disabled' | 'plain' | 's256', boolean>][] = [
      ['no challenge', () => undefined, undefined, { disabled: true, plain: false, s256: false }],
      ['an S256 challenge', () => pkce().challenge, 'S256', { disabled: true, plain: true, s256: true }],
      ['a plain challenge', plainVerifier, 'plain', { disabled: true, plain: true, s256: false }],
      // RFC 7636 §4.3: no method means plain.
      ['a challenge without a method', plainVerifier, undefined, { disabled: true, plain: true, s256: false }],
      ['a method without a challenge', () => undefined, 'S256', { disabled: false, plain: false, s256: false }],
      ['an unknown method', () => pkce().challenge, 's256', { disabled: false, plain: false, s256: false }],
      ['a plain challenge of 42 characters', () => tooShort, 'plain', { disabled: false, plain: false, s256: false }],
      ['an S256 challenge of 42 characters', () => tooShort, 'S256', { disabled: false, plain: false, s256: false }],
    ];
    for (const setting of ['disabled', 'plain', 's256'] as const) {
      await setPkce(setting);
      for (const [what, challenge, method, taken] of requests) {
        const { response } = await authorizeWith(challenge(), method);
        expect(response.headers.get('location'), `${what}, pkce ${setting}`).toMatch(taken[setting] ? /\/bi-authenticate\?request=/ : /[?&]error=invalid_request(&|$)/);
      }
    }
  });

  describe('s256', () => {
    it('at the token endpoint: refuses the challenge itself as the verifier, and a code issued under a weaker setting', async () => {
      const ann = await enrol();
      await setPkce('s256');
      const { code, verifier, signIn } = await codeFor(ann);
      expect(storedChallenge(signIn)).toEqual({ code_challenge: signIn.params.code_challenge, code_challenge_method: 'S256' });
      // The challenge is no verifier: S256 hashes what it is given.
      const asPlain = await exchange(code, signIn.params.code_challenge!);
      expect(asPlain.body).toEqual({ error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });
      expect((await exchange(code, verifier)).status).toBe(200);

      // Codes issued while the application took plain, or no PKCE, stop at the token endpoint once it asks s256.
      await setPkce('plain');
      const plain = plainVerifier();
      const underPlain = await codeFor(ann, { code_challenge: plain, code_challenge_method: 'plain' });
      await setPkce('disabled');
      const underDisabled = await codeFor(ann, { code_challenge: undefined, code_challenge_method: undefined });
      await setPkce('s256');
      const weaker = { error: 'invalid_grant', error_description: 'the authorization request did not use the PKCE the application requires' };
      expect((await exchange(underPlain.code, plain)).body).toEqual(weaker);
      expect((await exchange(underDisabled.code, null)).body).toEqual(weaker);
    });
  });

  describe('plain', () => {
    it('at authorize: takes a plain challenge (method plain or none) and an S256 one; refuses none, another method or a malformed one', async () => {
      await setPkce('plain');
      const withoutMethod = await startSignIn({ code_challenge: plainVerifier(), code_challenge_method: undefined });
      expect(storedChallenge(withoutMethod)).toEqual({ code_challenge: withoutMethod.params.code_challenge, code_challenge_method: 'plain' });
      const plain = await startSignIn({ code_challenge: plainVerifier(), code_challenge_method: 'plain' });
      expect(storedChallenge(plain)).toEqual({ code_challenge: plain.params.code_challenge, code_challenge_method: 'plain' });
      const s256 = await startSignIn({ code_challenge: pkce().challenge, code_challenge_method: 'S256' });
      expect(storedChallenge(s256)).toEqual({ code_challenge: s256.params.code_challenge, code_challenge_method: 'S256' });
      // 128 characters is still a verifier.
      expectTaken((await authorizeWith('a'.repeat(128), 'plain')).response);

      expectInvalidRequest((await authorizeWith(undefined, undefined)).response, 'PKCE is required: code_challenge (code_challenge_method plain or S256)');
      expectInvalidRequest((await authorizeWith('', undefined)).response);
      for (const method of ['s256', 'PLAIN', 'S512']) {
        expectInvalidRequest((await authorizeWith(plainVerifier(), method)).response, 'code_challenge_method must be S256 or plain');
      }
      for (const challenge of [tooShort, tooLong, `${plainVerifier()}+`, `${plainVerifier()}=`]) {
        expectInvalidRequest((await authorizeWith(challenge, 'plain')).response, 'code_challenge is malformed for code_challenge_method=plain');
      }
      // An S256 challenge is base64url: '.' and '~' are no part of it.
      expectInvalidRequest((await authorizeWith(plainVerifier(), 'S256')).response, 'code_challenge is malformed for code_challenge_method=S256');
    });

    it('at the token endpoint: a plain challenge takes the very verifier, and refuses another, its S256 hash, none or a malformed one; an S256 challenge is hashed', async () => {
      const ann = await enrol();
      await setPkce('plain');
      const verifier = plainVerifier();
      const { code } = await codeFor(ann, { code_challenge: verifier, code_challenge_method: undefined });
      const mismatch = { error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' };
      expect((await exchange(code, plainVerifier())).body).toEqual(mismatch);
      // A verifier whose S256 hash is the challenge: plain does not hash.
      const hashed = pkce();
      const { code: code2 } = await codeFor(ann, { code_challenge: hashed.challenge, code_challenge_method: 'plain' });
      expect((await exchange(code2, hashed.verifier)).body).toEqual(mismatch);
      expect((await exchange(code, null)).body).toEqual({
        error: 'invalid_request', error_description: 'code_verifier is required: the authorization request carried a code_challenge',
      });
      for (const bad of [tooShort, tooLong, `${verifier}!`]) expect((await exchange(code, bad)).body.error).toBe('invalid_request');
      // None of the refusals used the code up.
      const tokens = await exchange(code, verifier);
      expect(tokens.status).toBe(200);
      expect((await userinfo(tokens.body.access_token)).status).toBe(200);
      expect((await exchange(code2, hashed.challenge)).status).toBe(200);

      // An S256 challenge (stronger than plain asks) is verified as S256: the challenge itself does not do.
      const s256 = await codeFor(ann, { code_challenge_method: 'S256' });
      expect(storedChallenge(s256.signIn)).toEqual({ code_challenge: s256.signIn.params.code_challenge, code_challenge_method: 'S256' });
      expect((await exchange(s256.code, s256.signIn.params.code_challenge!)).body).toEqual(mismatch);
      expect((await exchange(s256.code, s256.verifier)).status).toBe(200);
    });
  });

  describe('disabled', () => {
    it('signs in without PKCE, end to end: authorize without a challenge, a code, tokens without a code_verifier', async () => {
      const ann = await enrol();
      await setPkce('disabled');
      const signIn = await startSignIn({ code_challenge: undefined, code_challenge_method: undefined });
      expect(storedChallenge(signIn)).toEqual({ code_challenge: null, code_challenge_method: null });
      const code = await expectAllow(await prove(ann, signIn));
      const tokens = await exchange(code, null);
      expect(tokens.status).toBe(200);
      expect(tokens.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, id_token: expect.any(String), scope: 'openid' });
      const { payload } = await verifyIdToken(tokens.body.id_token);
      expect(payload).toMatchObject({ sub: ann.identityId, nonce: signIn.params.nonce });
      expect((await userinfo(tokens.body.access_token)).body.sub).toBe(ann.identityId);
    });

    it('refuses a code_verifier for a code issued without a challenge (invalid_grant), without using the code up', async () => {
      const ann = await enrol();
      await setPkce('disabled');
      const { code } = await codeFor(ann, { code_challenge: undefined, code_challenge_method: undefined });
      for (const verifier of [pkce().verifier, plainVerifier()]) {
        expect((await exchange(code, verifier)).body).toEqual({
          error: 'invalid_grant', error_description: 'code_verifier sent for a code issued without a code_challenge',
        });
      }
      // RFC 6749 §3.2: a parameter without a value is one left out.
      expect((await exchange(code, '')).status).toBe(200);
    });

    it('keeps and enforces a challenge the client sent anyway, plain or S256', async () => {
      const ann = await enrol();
      await setPkce('disabled');
      const plain = plainVerifier();
      const sentPlain = await codeFor(ann, { code_challenge: plain, code_challenge_method: 'plain' });
      const sentS256 = await codeFor(ann);
      for (const sent of [sentPlain, sentS256]) {
        expect((await exchange(sent.code, null)).body.error).toBe('invalid_request');
        expect((await exchange(sent.code, plainVerifier())).body).toEqual({
          error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge',
        });
      }
      expect((await exchange(sentPlain.code, plain)).status).toBe(200);
      expect((await exchange(sentS256.code, sentS256.verifier)).status).toBe(200);
    });
  });

  it('asks a challenge of a public client stored with PKCE disabled (a row from before the rule), of either method', async () => {
    // CreateApplication and UpdateApplication refuse this (protocol-rules.ts): only an old row holds it.
    const row = t.db.prepare('SELECT protocol_config_json FROM applications WHERE id = ?').pluck().get(t.tenant.app.application_id) as string;
    const legacy = { ...JSON.parse(row), confidentiality: 'public', pkce: 'disabled' };
    t.db.prepare('UPDATE applications SET protocol_config_json = ? WHERE id = ?').run(JSON.stringify(legacy), t.tenant.app.application_id);
    expectInvalidRequest((await authorizeWith(undefined, undefined)).response, 'PKCE is required: code_challenge (code_challenge_method plain or S256)');
    expectTaken((await authorizeWith(plainVerifier(), 'plain')).response);
    expectTaken((await authorizeWith(pkce().challenge, 'S256')).response);
  });
});

describe('signing-key rotation', () => {
  it('publishes old and new keys, signs with the new one, and drops the old one after keepSeconds', async () => {
    const ann = await enrol();
    const before = await signInFully(ann);
    const oldKid = before.signIn.header.kid!;
    expect(kidsOf(await fetchJwks())).toEqual([oldKid]);
    expect(decodeProtectedHeader(before.tokens.id_token).kid).toBe(oldKid);

    await t.cloud.deps.signingKeys.rotate(new Date(), 3600);

    const jwks = await fetchJwks();
    expect(jwks.keys).toHaveLength(2);
    const newKid = jwks.keys.map((k) => k.kid!).find((kid) => kid !== oldKid)!;
    expect(kidsOf(jwks)).toEqual([oldKid, newKid].sort());

    // New request JWTs and ID tokens use the new key and verify against the JWKS (startSignIn verifies).
    const after = await signInFully(ann);
    expect(after.signIn.header.kid).toBe(newKid);
    expect((await verifyIdToken(after.tokens.id_token)).protectedHeader.kid).toBe(newKid);
    // The ID token issued before the rotation still verifies.
    expect((await verifyIdToken(before.tokens.id_token)).payload.sub).toBe(ann.identityId);

    t.advance(3601_000);
    expect(kidsOf(await fetchJwks())).toEqual([newKid]);
    const later = await startSignIn();
    expect(later.header.kid).toBe(newKid);
    // Whatever the old key signed can no longer be checked against the JWKS.
    await expect(
      jwtVerify(before.tokens.id_token, createLocalJWKSet(await fetchJwks()), { currentDate: new Date(before.signIn.claims.iat! * 1000) }),
    ).rejects.toThrow(/no applicable key/i);
  });
});

describe('signing keys under concurrency', () => {
  it('creates one signing key when the first sign-ins arrive together', async () => {
    const started = await Promise.all(Array.from({ length: 5 }, () => startSignIn()));
    const jwks = await fetchJwks();
    expect(jwks.keys).toHaveLength(1);
    expect(new Set(started.map((s) => s.header.kid))).toEqual(new Set([jwks.keys[0]!.kid]));
  });

  it('keeps exactly one key signing while a rotation is under way', async () => {
    const first = await startSignIn();
    const [, during] = await Promise.all([t.cloud.deps.signingKeys.rotate(new Date(), 3600), startSignIn()]);
    const after = await startSignIn();
    const kids = kidsOf(await fetchJwks());
    // The old key (kept for its tokens) and the one new key, nothing else.
    expect(kids).toHaveLength(2);
    expect(kids).toContain(first.header.kid);
    expect(kids).toContain(after.header.kid);
    expect(after.header.kid).not.toBe(first.header.kid);
    expect(kids).toContain(during.header.kid);
  });
});

describe('applications are separate issuers', () => {
  /** A second OIDC application of the same realm, with the same authenticator config and redirect URI. */
  async function secondApp() {
    const created = await t.post(`${t.realmPath()}/applications`, {
      application: {
        display_name: 'Second App',
        authenticator_config_id: t.tenant.app.authenticator_config_id,
        protocol_config: { type: 'oidc', allowed_scopes: ['openid'], redirect_uris: [REDIRECT_URI] },
      },
    });
    expect(created.status).toBe(200);
    return { id: created.body.id as string, clientId: created.body.protocol_config.client_id as string, path: `${t.realmPath()}/applications/${created.body.id}` };
  }

  it('accepts an access token only at the userinfo of the application it was issued by', async () => {
    const { tokens } = await signInFully(await enrol());
    const other = await secondApp();
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    const elsewhere = await oidc('GET', `${other.path}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(elsewhere.status).toBe(401);
  });

  it('denies a proof that names another application’s transaction', async () => {
    const ann = await enrol();
    const other = await secondApp();
    const { verifier: _v, challenge } = pkce();
    const query = new URLSearchParams({
      response_type: 'code', client_id: other.clientId, redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256',
    });
    const theirs = await oidc('GET', `${other.path}/authorize?${query}`);
    expect(theirs.status).toBe(302);
    const theirClaims = decodeJwt<RequestClaims>(new URL(theirs.headers.get('location')!).searchParams.get('request')!);
    expect(theirClaims.authn.aid).toBe(other.id);
    const prove2 = theirClaims.authn.action.prove;

    // Posted to this application (its aud), with the other application's transaction.
    const mine = await startSignIn();
    expectDeny(await prove(ann, mine, { claims: { bi_tid: prove2.transaction_id, bi_non: prove2.nonce } }), 'unknown transaction', ann.identityId);
    // At its own application, the same transaction is allowed.
    const url = `${t.config.authBaseUrl}${other.path}/bi-authenticate`;
    await expectAllow(await postProof(url, await proofJwt(ann, mine, { claims: { aud: [url], bi_tid: prove2.transaction_id, bi_non: prove2.nonce } })));
  });
});

describe('passkeys of other realms and tenants', () => {
  it('denies a passkey bound in another realm of the same tenant', async () => {
    const other = t.otherRealm();
    const config = await t.post(`/v1/tenants/${t.tenant.tenant_id}/realms/${other.realmId}/authenticator-configs`,
      { authenticator_config: { config: { type: 'embedded', invoke_url: APP_ORIGIN, trusted_origins: [APP_ORIGIN] } } }, { token: other.token });
    expect(config.status).toBe(200);
    const outsider = await enrol('ann', { tenantId: t.tenant.tenant_id, realmId: other.realmId, token: other.token, authenticatorConfigId: config.body.id });
    const signIn = await startSignIn();
    expectDeny(await prove(outsider, signIn), 'unknown credential', null);
    // The same-named person of this realm signs in.
    await expectAllow(await prove(await enrol('ann'), signIn));
  });

  it('denies a passkey bound in another tenant', async () => {
    const tenant = t.otherTenant();
    const outsider = await enrol('ann', {
      tenantId: tenant.tenant_id, realmId: tenant.realm_id, token: tenant.management.api_token, authenticatorConfigId: tenant.app.authenticator_config_id,
    });
    const signIn = await startSignIn();
    expectDeny(await prove(outsider, signIn), 'unknown credential', null);
  });
});
