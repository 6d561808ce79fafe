import type { Context } from 'hono';
import { hashSecret } from '../../lib/ids';
import type { CloudDeps } from '../deps';
import { findClientApp } from './client-app';

/** `GET|POST {issuer}/userinfo` (Bearer = access token from the code grant). */
export function userinfo(c: Context, deps: CloudDeps): Response {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const now = deps.clock();
  const client = findClientApp(deps, c.req.param());
  const record = token ? deps.repos.oidc.getAccessToken(hashSecret(token), now) : undefined;
  const identity = record && client && record.application_id === client.app.id
    ? deps.repos.identities.get(client.app.realm_id, record.identity_id, now)
    : undefined;
  if (!identity || identity.status === 'suspended') {
    c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    return c.json({ error: 'invalid_token', error_description: 'the access token is invalid or expired' }, 401);
  }
  return c.json({
    sub: identity.id,
    preferred_username: identity.traits.username,
    name: identity.display_name,
    ...(identity.traits.primary_email_address ? { email: identity.traits.primary_email_address } : {}),
  });
}
