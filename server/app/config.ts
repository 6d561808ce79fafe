import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { devTenantSchema, type DevTenant } from '../../contracts/dev-tenant';
import { MIN_SESSION_SECRET_LENGTH, readOrCreateSessionSecret } from './session-secret';

const port = z.coerce.number().int().min(0).max(65535);
/** Beyond Identity ids go into URL paths, so they are checked for shape here, once. */
const biId = z.string().min(1).regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a Beyond Identity id (letters, digits, - or _)');
const httpUrl = z.url({ protocol: /^https?$/, error: (issue) => (issue.input === undefined ? 'is not set' : 'must be an http(s) URL') });
const bareHost = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * The app backend's settings. Every Beyond Identity value comes from the
 * environment; the local development tenant (`DATA_DIR/dev-tenant.json`) only
 * fills in what the environment leaves out, so pointing the app at the real
 * Beyond Identity cloud is a matter of setting `BI_*` variables.
 *
 * Against the real Beyond Identity cloud (no dev-tenant.json), set:
 *   APP_PUBLIC_URL               the app's origin as browsers see it, e.g. https://app.example.com
 *                                (the Invoke URL's origin; sign-in's redirect URI is
 *                                `${APP_PUBLIC_URL}/auth/callback`)
 *   APP_SESSION_SECRET           ≥ 32 characters, the same on every instance (else a key in DATA_DIR/secrets/)
 *   BI_API_BASE_URL              e.g. https://api-us.beyondidentity.com (or api-eu)
 *   BI_AUTH_BASE_URL             e.g. https://auth-us.beyondidentity.com (or auth-eu)
 *   BI_TENANT_ID, BI_REALM_ID    the tenant and realm of your identities
 *   BI_APPLICATION_ID            the OIDC application people sign in to: its issuer is
 *                                `${BI_AUTH_BASE_URL}/v1/tenants/${BI_TENANT_ID}/realms/${BI_REALM_ID}/applications/${BI_APPLICATION_ID}`
 *   BI_AUTHENTICATOR_CONFIG_ID   that application's embedded authenticator config (Invoke URL = APP_PUBLIC_URL)
 *   BI_APP_CLIENT_ID, BI_APP_CLIENT_SECRET
 *                                that application's client (confidential, authorization code, PKCE S256,
 *                                redirect URI `${APP_PUBLIC_URL}/auth/callback`, subject field `id`);
 *                                both unset: no sign-in (`/api/config` says `sign_in: false`)
 *   BI_APP_TOKEN_ENDPOINT_AUTH_METHOD
 *                                the application's token endpoint auth method: client_secret_basic
 *                                (default) or client_secret_post
 *   BI_API_TOKEN                 a management API token, or instead
 *   BI_MANAGEMENT_APPLICATION_ID + BI_MANAGEMENT_CLIENT_ID + BI_MANAGEMENT_CLIENT_SECRET
 *                                a management application whose client credentials mint tokens
 *   BI_MANAGEMENT_REALM_ID       optional: that application's realm, when it is not BI_REALM_ID
 *                                (Beyond Identity's own Management API application lives in the
 *                                tenant's admin realm); its token endpoint is under this realm
 *   BI_ALLOWED_DOMAINS           optional: the SDK's allowedDomains (default: the API and auth hosts)
 */
const appEnv = z
  .object({
    APP_PORT: port.default(3000),
    APP_PUBLIC_URL: httpUrl.optional(),
    APP_SESSION_SECRET: z.string().min(MIN_SESSION_SECRET_LENGTH, `must be at least ${MIN_SESSION_SECRET_LENGTH} characters`).optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    BI_API_BASE_URL: httpUrl,
    BI_AUTH_BASE_URL: httpUrl,
    BI_ALLOWED_DOMAINS: z
      .string()
      .transform((value) => value.split(',').map((d) => d.trim()).filter(Boolean))
      .refine((domains) => domains.length > 0 && domains.every((d) => bareHost.test(d)), {
        error: 'must be a comma-separated list of bare host names (no scheme, port or path), e.g. localhost,auth-us.beyondidentity.com',
      })
      .optional(),
    BI_TENANT_ID: biId,
    BI_REALM_ID: biId,
    BI_APPLICATION_ID: biId,
    BI_AUTHENTICATOR_CONFIG_ID: biId,
    BI_MANAGEMENT_APPLICATION_ID: biId.optional(),
    BI_MANAGEMENT_REALM_ID: biId.optional(),
    BI_MANAGEMENT_CLIENT_ID: z.string().min(1).optional(),
    BI_MANAGEMENT_CLIENT_SECRET: z.string().min(1).optional(),
    BI_API_TOKEN: z.string().min(1).optional(),
    BI_APP_CLIENT_ID: z.string().min(1).optional(),
    BI_APP_CLIENT_SECRET: z.string().min(1).optional(),
    BI_APP_TOKEN_ENDPOINT_AUTH_METHOD: z
      .enum(['client_secret_basic', 'client_secret_post'], { error: 'must be client_secret_basic or client_secret_post' })
      .default('client_secret_basic'),
  })
  .refine((e) => e.BI_API_TOKEN || (e.BI_MANAGEMENT_CLIENT_ID && e.BI_MANAGEMENT_CLIENT_SECRET && e.BI_MANAGEMENT_APPLICATION_ID), {
    message: 'set BI_API_TOKEN, or BI_MANAGEMENT_APPLICATION_ID with BI_MANAGEMENT_CLIENT_ID and BI_MANAGEMENT_CLIENT_SECRET',
    path: ['BI_API_TOKEN'],
    // Check this even when other variables are invalid, so one message lists every problem.
    when: () => true,
  })
  .refine((e) => !e.BI_APP_CLIENT_ID === !e.BI_APP_CLIENT_SECRET, {
    message: 'set both BI_APP_CLIENT_ID and BI_APP_CLIENT_SECRET (for sign-in with a passkey), or neither',
    path: ['BI_APP_CLIENT_SECRET'],
    when: () => true,
  });

/** How the app authenticates at the token endpoint (the Beyond Identity application's `token_endpoint_auth_method`). */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** The OIDC client of the application people sign in to (`/auth/login`). */
export interface SignInClient {
  clientId: string;
  clientSecret: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
}

export interface AppConfig {
  port: number;
  /** The app's origin, without a trailing slash (e.g. `http://localhost:3000`). */
  publicUrl: string;
  /** Signs the session cookie (HMAC-SHA256); ≥ 32 characters. */
  sessionSecret: string;
  /** Bare host names for `Embedded.initialize({allowedDomains})`. */
  allowedDomains: string[];
  bi: {
    apiBaseUrl: string;
    authBaseUrl: string;
    tenantId: string;
    realmId: string;
    applicationId: string;
    authenticatorConfigId: string;
    management:
      | { kind: 'token'; apiToken: string }
      | { kind: 'client'; realmId: string; applicationId: string; clientId: string; clientSecret: string };
    /** Sign-in with a passkey (OIDC, application `applicationId`); undefined: not configured, no sign-in. */
    signIn?: SignInClient | undefined;
  };
}

/** Reads and validates the app's configuration; throws one readable message listing every problem. */
export function readAppConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const devTenant = fromDevTenant(source.DATA_DIR ?? '.data');
  // The development tenant fills gaps only for its own cloud: pointed at another one (your
  // Beyond Identity tenant), a variable left unset must fail here, not quietly take the local
  // tenant's ids and secrets, which would then be sent to that cloud.
  const otherCloud =
    source.BI_API_BASE_URL !== undefined &&
    devTenant.BI_API_BASE_URL !== undefined &&
    source.BI_API_BASE_URL.replace(/\/+$/, '') !== devTenant.BI_API_BASE_URL.replace(/\/+$/, '');
  const merged = { ...(otherCloud ? {} : devTenant), ...definedOnly(source) };
  const parsed = appEnv.safeParse(merged, { error: (issue) => (issue.input === undefined ? 'is not set' : undefined) });
  if (!parsed.success) {
    throw new Error(`Invalid app configuration (set these in the environment):\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const apiBaseUrl = e.BI_API_BASE_URL.replace(/\/+$/, '');
  const authBaseUrl = e.BI_AUTH_BASE_URL.replace(/\/+$/, '');
  return {
    port: e.APP_PORT,
    publicUrl: (e.APP_PUBLIC_URL ?? `http://localhost:${e.APP_PORT}`).replace(/\/+$/, ''),
    // Unset: one key per DATA_DIR, so every instance sharing it accepts the others' cookies.
    sessionSecret: e.APP_SESSION_SECRET ?? readOrCreateSessionSecret(e.DATA_DIR),
    // The SDK compares bare host names (no port): see bi-protocol.md on `allowedDomains`.
    allowedDomains: e.BI_ALLOWED_DOMAINS ?? [...new Set([new URL(apiBaseUrl).hostname, new URL(authBaseUrl).hostname])],
    bi: {
      apiBaseUrl,
      authBaseUrl,
      tenantId: e.BI_TENANT_ID,
      realmId: e.BI_REALM_ID,
      applicationId: e.BI_APPLICATION_ID,
      authenticatorConfigId: e.BI_AUTHENTICATOR_CONFIG_ID,
      // A static token wins: it is what the operator chose explicitly.
      management: e.BI_API_TOKEN
        ? { kind: 'token', apiToken: e.BI_API_TOKEN }
        : {
            kind: 'client',
            realmId: e.BI_MANAGEMENT_REALM_ID ?? e.BI_REALM_ID,
            applicationId: e.BI_MANAGEMENT_APPLICATION_ID!,
            clientId: e.BI_MANAGEMENT_CLIENT_ID!,
            clientSecret: e.BI_MANAGEMENT_CLIENT_SECRET!,
          },
      signIn:
        e.BI_APP_CLIENT_ID && e.BI_APP_CLIENT_SECRET
          ? { clientId: e.BI_APP_CLIENT_ID, clientSecret: e.BI_APP_CLIENT_SECRET, tokenEndpointAuthMethod: e.BI_APP_TOKEN_ENDPOINT_AUTH_METHOD }
          : undefined,
    },
  };
}

/** The development tenant as `BI_*` defaults; empty when there is none. */
function fromDevTenant(dataDir: string): Record<string, string> {
  const file = join(dataDir, 'dev-tenant.json');
  if (!existsSync(file)) return {};
  const tenant: DevTenant = devTenantSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return {
    BI_API_BASE_URL: tenant.api_base_url,
    BI_AUTH_BASE_URL: tenant.auth_base_url,
    BI_TENANT_ID: tenant.tenant_id,
    BI_REALM_ID: tenant.realm_id,
    BI_APPLICATION_ID: tenant.app.application_id,
    BI_AUTHENTICATOR_CONFIG_ID: tenant.app.authenticator_config_id,
    BI_MANAGEMENT_APPLICATION_ID: tenant.management.application_id,
    BI_MANAGEMENT_CLIENT_ID: tenant.management.client_id,
    BI_MANAGEMENT_CLIENT_SECRET: tenant.management.client_secret,
    BI_APP_CLIENT_ID: tenant.app.client_id,
    BI_APP_CLIENT_SECRET: tenant.app.client_secret,
  };
}

function definedOnly(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
