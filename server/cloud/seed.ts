import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddedConfig } from '../../contracts/bi/authenticator-config';
import { devTenantSchema, type DevTenant } from '../../contracts/dev-tenant';
import { hashSecret, newId, newSecret } from '../lib/ids';
import { MANAGEMENT_SCOPES } from './auth/scopes';
import { ensureConsoleAdmin } from './console/seed-admin';
import type { CloudDeps } from './deps';
import { DEFAULT_THEME } from './themes/repository';



const SEED_ACTOR = 'system:seed';
/** The seeded API token's lifetime; it is re-minted on start when it has run out. */
const API_TOKEN_SECONDS = 90 * 24 * 3600;

/**
 * Makes sure the development tenant exists and `dev-tenant.json` describes it.
 * First start: creates tenant, realm, theme, the embedded authenticator config
 * (Invoke URL = the app's origin), the app's application and the Management
 * API application, and mints an API token. Later starts reuse all of it, only
 * re-minting an expired token and following a changed app origin. Either way
 * the Admin Console has an admin whose password is in the file (`console`).
 */
export function ensureDevTenant(deps: CloudDeps, options: { dataDir: string; appOrigin: string }): DevTenant {
  const file = join(options.dataDir, 'dev-tenant.json');
  const now = deps.clock();
  const existing = readDevTenant(file);
  let tenant: DevTenant;
  if (existing && deps.repos.tenants.get(existing.tenant_id)) {
    tenant = refresh(deps, existing, options.appOrigin, now);
  } else if (!existing && !deps.db.prepare('SELECT 1 FROM tenants LIMIT 1').get()) {
    tenant = seedDevTenant(deps, options.appOrigin, now);
  } else {
    throw new Error(
      `${file} does not match the database in ${options.dataDir}; its secrets cannot be recovered. ` +
        `Delete ${options.dataDir} to start with a fresh development tenant.`,
    );
  }
  // The console's admin: created on the first start (or the first start with a console), kept after.
  tenant = ensureConsoleAdmin(deps, tenant, now);
  writeFileSync(file, JSON.stringify(tenant, null, 2) + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return tenant;
}

/** Reads `dev-tenant.json`, or undefined when it is absent. */
export function readDevTenant(file: string): DevTenant | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return devTenantSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (cause) {
    // A bare SyntaxError or ZodError would not say which file is at fault.
    throw new Error(`${file} is not a valid dev-tenant.json; fix it or delete its DATA_DIR to start afresh.`, { cause });
  }
}

/** Creates a fresh development tenant (exported for tests that need several tenants). */
export function seedDevTenant(deps: CloudDeps, appOrigin: string, now: Date): DevTenant {
  return deps.db.transaction(() => {
    const { repos, config } = deps;
    const time = now.toISOString();
    const tenantId = newId();
    const realmId = newId();
    repos.tenants.insert({ id: tenantId, display_name: 'Bindery Dev', create_time: time, update_time: time });
    repos.realms.insert({ id: realmId, tenant_id: tenantId, display_name: 'Bindery', classification: 'SECURE_CUSTOMER', create_time: time, update_time: time });
    // The dev realm is also the tenant's admin realm: its Management API token manages the tenant.
    repos.tenants.setAdminRealm(tenantId, realmId);
    repos.themes.insert({ id: newId(), tenant_id: tenantId, realm_id: realmId, ...DEFAULT_THEME, create_time: time, update_time: time });

    const authenticatorConfigId = newId();
    repos.authenticatorConfigs.insert(
      { id: authenticatorConfigId, tenant_id: tenantId, realm_id: realmId, display_name: 'Bindery App (embedded)', config: embedded(appOrigin) },
      now,
    );

    const appSecret = newSecret(36);
    const app = {
      id: newId(),
      tenant_id: tenantId,
      realm_id: realmId,
      display_name: 'Bindery App',
      authenticator_config_id: authenticatorConfigId,
      is_managed: false,
      protocol_config: {
        type: 'oidc' as const,
        allowed_scopes: ['openid'],
        client_id: newSecret(18),
        confidentiality: 'confidential' as const,
        token_endpoint_auth_method: 'client_secret_basic' as const,
        grant_type: ['authorization_code' as const],
        redirect_uris: [`${appOrigin}/auth/callback`],
        token_configuration: { expires_after: 3600, subject_field: 'id' as const },
        pkce: 's256' as const,
        token_format: 'self_contained' as const,
      },
      client_secret_hash: hashSecret(appSecret),
    };
    repos.applications.insert(app, now);

    const managementSecret = newSecret(36);
    const management = {
      id: newId(),
      tenant_id: tenantId,
      realm_id: realmId,
      display_name: 'Management API',
      // Spec, allowed_scopes: an application that references no resource
      // server "can only be used for authentication", so the management
      // scopes need one: the Management API's own resource server.
      resource_server_id: newId(),
      is_managed: true,
      protocol_config: {
        type: 'oauth2' as const,
        allowed_scopes: [...MANAGEMENT_SCOPES],
        client_id: newSecret(18),
        confidentiality: 'confidential' as const,
        token_endpoint_auth_method: 'client_secret_basic' as const,
        grant_type: ['client_credentials' as const],
        token_configuration: { expires_after: API_TOKEN_SECONDS },
        token_format: 'referential' as const,
      },
      client_secret_hash: hashSecret(managementSecret),
    };
    repos.applications.insert(management, now);
    const token = repos.tokens.issue({
      tenantId, realmId, applicationId: management.id, scopes: [...MANAGEMENT_SCOPES], lifetimeSeconds: API_TOKEN_SECONDS,
      displayName: 'dev-tenant.json', now,
    });
    for (const [type, id] of [['Tenant', tenantId], ['Realm', realmId], ['AuthenticatorConfig', authenticatorConfigId], ['Application', app.id], ['Application', management.id], ['Token', token.id]] as const) {
      repos.audit.record({ tenant_id: tenantId, realm_id: realmId, actor: SEED_ACTOR, action: 'seed.create', resource_type: type, resource_id: id }, now);
    }
    return {
      api_base_url: config.apiBaseUrl,
      auth_base_url: config.authBaseUrl,
      tenant_id: tenantId,
      realm_id: realmId,
      management: {
        application_id: management.id,
        client_id: management.protocol_config.client_id,
        client_secret: managementSecret,
        api_token: token.accessToken,
      },
      app: {
        application_id: app.id,
        authenticator_config_id: authenticatorConfigId,
        invoke_url: appOrigin,
        client_id: app.protocol_config.client_id,
        client_secret: appSecret,
      },
    };
  })();
}

function refresh(deps: CloudDeps, tenant: DevTenant, appOrigin: string, now: Date): DevTenant {
  return deps.db.transaction(() => {
    const { repos, config } = deps;
    const next: DevTenant = { ...tenant, api_base_url: config.apiBaseUrl, auth_base_url: config.authBaseUrl };
    const stored = repos.tokens.findByToken(tenant.management.api_token);
    // Re-mint when the token is gone, revoked, or has less than a day left.
    if (!stored || stored.revoke_time !== null || stored.expires * 1000 < now.getTime() + 24 * 3600 * 1000) {
      const token = repos.tokens.issue({
        tenantId: tenant.tenant_id, realmId: tenant.realm_id, applicationId: tenant.management.application_id,
        scopes: [...MANAGEMENT_SCOPES], lifetimeSeconds: API_TOKEN_SECONDS, displayName: 'dev-tenant.json', now,
      });
      repos.audit.record({ tenant_id: tenant.tenant_id, realm_id: tenant.realm_id, actor: SEED_ACTOR, action: 'token.issue', resource_type: 'Token', resource_id: token.id }, now);
      next.management = { ...tenant.management, api_token: token.accessToken };
    }
    // A tenant seeded before the token endpoint required a resource server
    // for scopes: give its Management API application one, or its client
    // credentials would mint tokens with no scope.
    const management = repos.applications.get(tenant.realm_id, tenant.management.application_id);
    if (management && !management.resource_server_id) {
      repos.applications.update({ ...management, resource_server_id: newId() }, now);
      repos.audit.record({ tenant_id: tenant.tenant_id, realm_id: tenant.realm_id, actor: SEED_ACTOR, action: 'application.update', resource_type: 'Application', resource_id: management.id, detail: { fields: ['resource_server_id'] } }, now);
    }
    // APP_PORT may differ from the last start: keep the Invoke URL on the app.
    const configRecord = repos.authenticatorConfigs.get(tenant.realm_id, tenant.app.authenticator_config_id);
    if (configRecord && configRecord.config.type === 'embedded' && configRecord.config.invoke_url !== appOrigin) {
      repos.authenticatorConfigs.update({ ...configRecord, config: embedded(appOrigin) }, now);
      const app = repos.applications.get(tenant.realm_id, tenant.app.application_id);
      if (app?.protocol_config) {
        repos.applications.update({ ...app, protocol_config: { ...app.protocol_config, redirect_uris: [`${appOrigin}/auth/callback`] } }, now);
      }
      repos.audit.record({ tenant_id: tenant.tenant_id, realm_id: tenant.realm_id, actor: SEED_ACTOR, action: 'authenticator_config.update', resource_type: 'AuthenticatorConfig', resource_id: configRecord.id }, now);
      next.app = { ...tenant.app, invoke_url: appOrigin };
    }
    return next;
  })();
}

function embedded(appOrigin: string): EmbeddedConfig {
  return {
    type: 'embedded',
    invoke_url: appOrigin,
    trusted_origins: [appOrigin],
    invocation_type: 'automatic',
    authentication_methods: [{ type: 'software_passkey' }],
  };
}
