import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { hashSecret } from '../../lib/ids';
import { grantableScopes } from '../applications/protocol-rules';
import type { CloudDeps } from '../deps';
import { codeGrant } from '../oidc/code-grant';
import { OAuthError } from './oauth-error';

/** Largest `expiration_time` a caller may ask for when the application sets no lifetime. */
const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * `POST {auth_base}/v1/tenants/{t}/realms/{r}/applications/{app}/token`: the
 * authorization code grant of OIDC sign-in (see `oidc/code-grant.ts`), and the
 * client credentials grant that mints Management API tokens. The client
 * authenticates with HTTP Basic (or `client_secret_post`); `scope` must be a
 * subset of the scopes the application may grant (its `allowed_scopes`, and
 * none without a resource server); `expiration_time` (seconds)
 * may shorten the application's token lifetime, never lengthen it.
 */
export async function issueToken(c: Context, deps: CloudDeps): Promise<Response> {
  c.header('Cache-Control', 'no-store');
  try {
    const form = await readForm(c);
    const { tenant_id, realm_id, application_id } = c.req.param() as Record<string, string>;
    const client = clientCredentials(c.req.header('authorization'), form);
    const app = client ? deps.repos.applications.getByClientId(client.id) : undefined;
    // A public client (no secret) identifies itself by client_id alone; PKCE protects its codes.
    const isPublic = app?.protocol_config?.confidentiality === 'public' && !app.client_secret_hash;
    if (
      !client || !app || app.id !== application_id || app.tenant_id !== tenant_id || app.realm_id !== realm_id ||
      (!isPublic && (!app.client_secret_hash || !sameHash(app.client_secret_hash, hashSecret(client.secret))))
    ) {
      throw new OAuthError(401, 'invalid_client', 'client authentication failed');
    }
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') return c.json(await codeGrant(deps, app, form));
    if (grant !== 'client_credentials') {
      throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or client_credentials');
    }
    if (isPublic) throw new OAuthError(401, 'invalid_client', 'a public client cannot use client_credentials');
    const protocol = app.protocol_config;
    if (!protocol?.grant_type?.includes('client_credentials')) {
      throw new OAuthError(400, 'unauthorized_client', 'this application may not use the client_credentials grant');
    }
    // Defence in depth: CreateApplication and UpdateApplication refuse
    // allowed_scopes without a resource server (spec, allowed_scopes), but a
    // row written before that rule may still hold some. Such an application
    // authenticates but grants no access.
    const allowed = grantableScopes(app);
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const scopes = requested.length > 0 ? [...new Set(requested)] : [...allowed];
    const refused = scopes.filter((scope) => !allowed.includes(scope));
    if (refused.length > 0) throw new OAuthError(400, 'invalid_scope', `scope not allowed: ${refused.join(' ')}`);

    const maxLifetime = protocol.token_configuration?.expires_after || DEFAULT_LIFETIME_SECONDS;
    const asked = form.get('expiration_time');
    if (asked !== null && !/^\d{1,10}$/.test(asked)) {
      throw new OAuthError(400, 'invalid_request', 'expiration_time must be a number of seconds');
    }
    const lifetime = asked === null || Number(asked) === 0 ? maxLifetime : Math.min(Number(asked), maxLifetime);

    const now = deps.clock();
    const issued = await deps.write(() => {
      const token = deps.repos.tokens.issue({
        tenantId: app.tenant_id,
        realmId: app.realm_id,
        applicationId: app.id,
        scopes,
        lifetimeSeconds: lifetime,
        ...(form.get('display_name') ? { displayName: form.get('display_name')! } : {}),
        now,
      });
      deps.repos.audit.record(
        { tenant_id: app.tenant_id, realm_id: app.realm_id, actor: `application:${app.id}`, action: 'token.issue', resource_type: 'Token', resource_id: token.id, detail: { scopes: scopes.length } },
        now,
      );
      return token;
    });
    return c.json({
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scopes.join(' '),
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (error.status === 401) c.header('WWW-Authenticate', 'Basic realm="token"');
    return c.json({ error: error.error, error_description: error.description }, error.status);
  }
}

async function readForm(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (/^application\/x-www-form-urlencoded/i.test(type) || text === '') return new URLSearchParams(text);
  if (/^application\/json/i.test(type)) {
    try {
      const json = JSON.parse(text) as unknown;
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        return new URLSearchParams(
          Object.entries(json).flatMap(([k, v]) => (typeof v === 'string' || typeof v === 'number' ? [[k, String(v)]] : [])),
        );
      }
    } catch {
      // reported below
    }
  }
  throw new OAuthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
}

function clientCredentials(header: string | undefined, form: URLSearchParams): { id: string; secret: string } | undefined {
  const basic = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    // RFC 6749 §2.3.1: both halves are form-urlencoded before base64.
    try {
      return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
    } catch {
      return undefined;
    }
  }
  const id = form.get('client_id');
  const secret = form.get('client_secret') ?? '';
  return id ? { id, secret } : undefined;
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
