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
    BI_MANAGEMENT_CLIENT_ID: z.string().min(1).optional(),
    BI_MANAGEMENT_CLIENT_SECRET: z.string().min(1).optional(),
    BI_API_TOKEN: z.string().min(1).optional(),
  })
  .refine((e) => e.BI_API_TOKEN || (e.BI_MANAGEMENT_CLIENT_ID && e.BI_MANAGEMENT_CLIENT_SECRET && e.BI_MANAGEMENT_APPLICATION_ID), {
    message: 'set BI_API_TOKEN, or BI_MANAGEMENT_APPLICATION_ID with BI_MANAGEMENT_CLIENT_ID and BI_MANAGEMENT_CLIENT_SECRET',
    path: ['BI_API_TOKEN'],
    // Check this even when other variables are invalid, so one message lists every problem.
    when: () => true,
  });

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
      | { kind: 'client'; applicationId: string; clientId: string; clientSecret: string };
  };
}

/** Reads and validates the app's configuration; throws one readable message listing every problem. */
export function readAppConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const merged = { ...fromDevTenant(source.DATA_DIR ?? '.data'), ...definedOnly(source) };
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
            applicationId: e.BI_MANAGEMENT_APPLICATION_ID!,
            clientId: e.BI_MANAGEMENT_CLIENT_ID!,
            clientSecret: e.BI_MANAGEMENT_CLIENT_SECRET!,
          },
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
  };
}

function definedOnly(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
