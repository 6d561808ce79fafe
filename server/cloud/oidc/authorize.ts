import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { SignJWT } from 'jose';
import { newId, newSecret } from '../../lib/ids';
import { htmlPage } from '../binding/html-page';
import { invokeUrlWith } from '../binding/invoke-url';
import type { CloudDeps } from '../deps';
import { findClientApp } from './client-app';
import { challengeFrom, pkceSettingOf } from './pkce';
import { SIGNING_ALG } from './signing-keys';

/** The longest `state` or `nonce` kept (openid-client sends 43 characters of each). */
const MAX_ECHOED = 512;

/** How long a person has from /authorize to proving with a passkey. */
export const TRANSACTION_SECONDS = 300;

/**
 * `GET {issuer}/authorize`: the authorization code flow, with PKCE as the
 * application's `pkce` asks (spec, PkceConfig: `s256` requires an S256
 * challenge, `plain` a challenge of either method, `disabled` none, though
 * one sent is kept and enforced; see pkce.ts). Before the redirect URI is
 * known to be registered, every error is a page of our own and never a redirect (no open redirector). After it,
 * errors go back to the client as `?error=…&state=…`. For an `embedded`
 * authenticator config the answer is a 302 to
 * `{invoke_url}/bi-authenticate?request=<JWT>`: the app's page hands that URL
 * to the SDK's `authenticate`, which checks the JWT against our `jku`.
 */
export async function authorize(c: Context, deps: CloudDeps): Promise<Response> {
  const q = c.req.query();
  const client = findClientApp(deps, c.req.param());
  const protocol = client?.app.protocol_config;
  if (!client || !protocol || q.client_id !== protocol.client_id) {
    return c.html(htmlPage('Unknown application', 'This sign-in request names no application we know.'), 400);
  }
  if (!q.redirect_uri || !(protocol.redirect_uris ?? []).includes(q.redirect_uri)) {
    return c.html(htmlPage('Sign-in cannot continue', 'The redirect address of this request is not registered for the application.'), 400);
  }
  const fail = (error: string, description: string) => {
    const back = new URL(q.redirect_uri!);
    back.searchParams.set('error', error);
    back.searchParams.set('error_description', description);
    if (q.state) back.searchParams.set('state', q.state);
    return c.redirect(back.toString(), 302);
  };
  // Each authorize stores its state and nonce, for anyone who knows a client_id: bounded, so
  // that unauthenticated requests cannot write rows of whatever size a URL allows.
  if ((q.state ?? '').length > MAX_ECHOED || (q.nonce ?? '').length > MAX_ECHOED) {
    const back = new URL(q.redirect_uri);
    back.searchParams.set('error', 'invalid_request');
    back.searchParams.set('error_description', `state and nonce must be at most ${MAX_ECHOED} characters`);
    return c.redirect(back.toString(), 302);
  }
  if (q.response_type !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  if (!protocol.grant_type?.includes('authorization_code')) return fail('unauthorized_client', 'the application may not use the authorization code grant');
  const pkce = challengeFrom(pkceSettingOf(protocol), q);
  if ('refusal' in pkce) return fail('invalid_request', pkce.refusal);
  const scopes = (q.scope ?? '').split(' ').filter(Boolean);
  if (!scopes.includes('openid')) return fail('invalid_scope', 'scope must include openid');
  const config = client.config?.config;
  if (!config || config.type !== 'embedded') return fail('server_error', 'the application has no embedded authenticator config');

  const now = deps.clock();
  const { app } = client;
  const transaction = {
    id: newId(),
    tenant_id: app.tenant_id,
    realm_id: app.realm_id,
    application_id: app.id,
    redirect_uri: q.redirect_uri,
    client_state: q.state ?? null,
    client_nonce: q.nonce ?? null,
    code_challenge: pkce.challenge?.code_challenge ?? null,
    code_challenge_method: pkce.challenge?.code_challenge_method ?? null,
    scope: scopes.join(' '),
    bi_nonce: newSecret(24),
    expire_time: new Date(now.getTime() + TRANSACTION_SECONDS * 1000).toISOString(),
    create_time: now.toISOString(),
  };
  await deps.write(() => deps.repos.oidc.insertTransaction(transaction));

  const key = await deps.signingKeys.current(now);
  const iat = Math.floor(now.getTime() / 1000);
  const jwksPath = new URL(`${client.issuer}/.well-known/jwks.json`).pathname;
  // Every claim below is required by the SDK (bi-protocol.md); it checks the
  // signature against `jku`, plus `exp` and `nbf`.
  const request = await new SignJWT({
    cid: newId(),
    verb: 'authenticate',
    transaction_id: transaction.id,
    indirect_uri: `${client.issuer}/authorize/indirect/${transaction.id}`,
    origin: { ip: peerAddress(c), ua: c.req.header('user-agent') ?? '', geo: '', ref: c.req.header('referer') ?? '' },
    authn: {
      base_url: deps.config.authBaseUrl,
      tid: app.tenant_id,
      rid: app.realm_id,
      aid: app.id,
      redirect_uri: q.redirect_uri,
      mode: 'grant',
      ...(q.state ? { state: q.state } : {}),
      action: { prove: { transaction_id: transaction.id, nonce: transaction.bi_nonce, bi_pol_ver: 'v3' } },
      authenticator_config: {
        id: client.config!.id,
        display_name: client.config!.display_name ?? app.display_name ?? 'Bindery',
        tenant_id: app.tenant_id,
        realm_id: app.realm_id,
        config: {
          type: 'embedded',
          invoke_url: config.invoke_url,
          invocation_type: config.invocation_type,
          trusted_origins: config.trusted_origins,
          ...(config.authentication_methods ? { authentication_methods: config.authentication_methods } : {}),
        },
      },
    },
  })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, jku: `${deps.config.jwksBaseUrl}${jwksPath}`, typ: 'JWT' })
    .setIssuer(client.issuer)
    .setSubject(app.id)
    .setAudience([])
    .setIssuedAt(iat)
    .setNotBefore(iat - 5)
    .setExpirationTime(iat + TRANSACTION_SECONDS)
    .setJti(newId())
    .sign(key.privateKey);

  c.header('Cache-Control', 'no-store');
  return c.redirect(invokeUrlWith(config.invoke_url, '/bi-authenticate', { request }), 302);
}

/**
 * The address of the peer that sent the request, from the socket, never from
 * a header the client writes itself (X-Forwarded-For). Empty in-process.
 */
function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? '';
  } catch {
    return '';
  }
}
