import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { devTenantSchema, type DevTenant } from '../../contracts/dev-tenant';

const port = z.coerce.number().int().min(0).max(65535);

/**
 * The app backend's settings. Every Beyond Identity value comes from the
 * environment; the local development tenant (`DATA_DIR/dev-tenant.json`) only
 * fills in what the environment leaves out, so pointing the app at the real
 * Beyond Identity cloud is a matter of setting `BI_*` variables.
 */
const appEnv = z
  .object({
    APP_PORT: port.default(3000),
    APP_PUBLIC_URL: z.url().optional(),
    BI_API_BASE_URL: z.url(),
    BI_AUTH_BASE_URL: z.url(),
    BI_TENANT_ID: z.string().min(1),
    BI_REALM_ID: z.string().min(1),
    BI_APPLICATION_ID: z.string().min(1),
    BI_AUTHENTICATOR_CONFIG_ID: z.string().min(1),
    BI_MANAGEMENT_APPLICATION_ID: z.string().min(1).optional(),
    BI_MANAGEMENT_CLIENT_ID: z.string().min(1).optional(),
    BI_MANAGEMENT_CLIENT_SECRET: z.string().min(1).optional(),
    BI_API_TOKEN: z.string().min(1).optional(),
  })
  .refine((e) => e.BI_API_TOKEN || (e.BI_MANAGEMENT_CLIENT_ID && e.BI_MANAGEMENT_CLIENT_SECRET && e.BI_MANAGEMENT_APPLICATION_ID), {
    message: 'set BI_API_TOKEN, or BI_MANAGEMENT_APPLICATION_ID with BI_MANAGEMENT_CLIENT_ID and BI_MANAGEMENT_CLIENT_SECRET',
    path: ['BI_API_TOKEN'],
  });

export interface AppConfig {
  port: number;
  publicUrl: string;
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
  const parsed = appEnv.safeParse(merged);
  if (!parsed.success) {
    throw new Error(`Invalid app configuration (set these in the environment):\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  return {
    port: e.APP_PORT,
    publicUrl: (e.APP_PUBLIC_URL ?? `http://localhost:${e.APP_PORT}`).replace(/\/$/, ''),
    bi: {
      apiBaseUrl: e.BI_API_BASE_URL.replace(/\/$/, ''),
      authBaseUrl: e.BI_AUTH_BASE_URL.replace(/\/$/, ''),
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
