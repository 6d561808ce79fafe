import type { Context } from 'hono';
import { notFound } from '../../lib/api-error';
import type { CloudDeps } from '../deps';
import { findClientApp } from './client-app';
import { CHALLENGE_METHODS } from './pkce';
import { SIGNING_ALG } from './signing-keys';

/** `GET {issuer}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0). */
export function discovery(c: Context, deps: CloudDeps): Response {
  const client = findClientApp(deps, c.req.param());
  if (!client) throw notFound('Application', c.req.param('application_id') ?? '');
  const { issuer, app } = client;
  const jwksPath = new URL(`${issuer}/.well-known/jwks.json`).pathname;
  return c.json({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${deps.config.jwksBaseUrl}${jwksPath}`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: app.protocol_config?.grant_type ?? ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [SIGNING_ALG],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    // What authorize accepts from any application; each application's `pkce` may ask for more.
    code_challenge_methods_supported: [...CHALLENGE_METHODS],
    scopes_supported: ['openid', 'profile', 'email'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'email'],
  });
}

/** `GET {issuer}/.well-known/jwks.json`: the published signing keys (also the request JWT's `jku`). */
export function jwks(c: Context, deps: CloudDeps): Response {
  if (!findClientApp(deps, c.req.param())) throw notFound('Application', c.req.param('application_id') ?? '');
  // Revalidate every time: the SDK caches the JWKS per URL, and a stale copy
  // would lack the key of a rotation and refuse sign-ins until it expired.
  c.header('Cache-Control', 'no-cache');
  // The SDK fetches the `jku` from the app's page, cross-origin; public keys are public.
  c.header('Access-Control-Allow-Origin', '*');
  return c.json(deps.signingKeys.jwks(deps.clock()));
}
