import { buildCloud } from '../app';
import type { ConsoleOptions } from '../console/mount';
import type { CloudConfig } from '../deps';
import { openDb } from '../db/open';
import { seedDevTenant } from '../seed';
import { createLogger } from '../../lib/logger';
import type { DevTenant } from '../../../contracts/dev-tenant';
import { newId, hashSecret, newSecret } from '../../lib/ids';
import { MANAGEMENT_SCOPES } from '../auth/scopes';
import { assertConforms, operationFor } from './conformance';

export const APP_ORIGIN = 'http://localhost:3000';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Skip the OpenAPI conformance check (for responses the spec cannot describe, e.g. 413). */
  conformance?: boolean;
}

/**
 * A local cloud built in-process on a fresh in-memory database, with a seeded
 * development tenant and a clock tests can move. Requests go through Hono's
 * `app.request`, the same code path as real sockets minus the socket.
 */
export function createTestCloud(options: { config?: Partial<CloudConfig>; console?: ConsoleOptions; dbFile?: string } = {}) {
  // A file (tempDbFile) when a test needs other connections to the same database.
  const db = openDb(options.dbFile ?? ':memory:');
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);
  const config: CloudConfig = {
    apiBaseUrl: 'http://localhost:8787',
    authBaseUrl: 'http://localhost:8787',
    bindingTokenTtlSeconds: 7 * 24 * 3600,
    maxBodyBytes: 256 * 1024,
    jwksBaseUrl: 'https://localhost:8788',
    ...options.config,
  };
  const cloud = buildCloud({ db, config, log: createLogger({}, { level: 'silent' }), clock, ...(options.console ? { console: options.console } : {}) });
  const tenant = seedDevTenant(cloud.deps, APP_ORIGIN, clock());

  async function request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token === undefined ? tenant.management.api_token : opts.token;
    if (token) headers.authorization ??= `Bearer ${token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await cloud.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    if (text === '') parsed = undefined;
    else if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    if (opts.conformance !== false && operationFor(method, path.split('?')[0]!)) {
      assertConforms(method, path, response.status, parsed);
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  const realmPath = (t: DevTenant = tenant) => `/v1/tenants/${t.tenant_id}/realms/${t.realm_id}`;

  return {
    db,
    cloud,
    tenant,
    config,
    request,
    realmPath,
    get: <T = any>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
    patch: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
    del: <T = any>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
    /** Moves the cloud's clock forward. */
    advance(ms: number) {
      offsetMs += ms;
    },

    /** Mints a token through the real token endpoint with the management client credentials. */
    async tokenWith(scopes: readonly string[], t: DevTenant = tenant, extra: Record<string, string> = {}): Promise<string> {
      const response = await cloud.app.request(
        `/v1/tenants/${t.tenant_id}/realms/${t.realm_id}/applications/${t.management.application_id}/token`,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${t.management.client_id}:${t.management.client_secret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.join(' '), ...extra }).toString(),
        },
      );
      if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },

    /** A second tenant, seeded the same way, with its own credentials. */
    otherTenant(): DevTenant {
      return seedDevTenant(cloud.deps, APP_ORIGIN, clock());
    },

    /**
     * A second realm of the same tenant, with a Management API application of
     * its own (inserted directly: a realm-bound token cannot create one there)
     * and an all-scopes token for it.
     */
    otherRealm(): { realmId: string; token: string } {
      const now = clock();
      const realmId = newId();
      const time = now.toISOString();
      const repos = cloud.deps.repos;
      repos.realms.insert({ id: realmId, tenant_id: tenant.tenant_id, display_name: 'Other', create_time: time, update_time: time });
      const appId = newId();
      repos.applications.insert(
        {
          id: appId, tenant_id: tenant.tenant_id, realm_id: realmId, display_name: 'Management API', is_managed: true, resource_server_id: newId(),
          protocol_config: { type: 'oauth2', allowed_scopes: [...MANAGEMENT_SCOPES], client_id: newSecret(18), grant_type: ['client_credentials'] },
          client_secret_hash: hashSecret(newSecret(36)),
        },
        now,
      );
      const token = repos.tokens.issue({
        tenantId: tenant.tenant_id, realmId, applicationId: appId, scopes: [...MANAGEMENT_SCOPES], lifetimeSeconds: 3600, now,
      });
      return { realmId, token: token.accessToken };
    },
  };
}

export type TestCloud = ReturnType<typeof createTestCloud>;

/** A valid CreateIdentity body. */
export function identityBody(username: string, extra: { email?: string | null; display_name?: string } = {}) {
  return {
    identity: {
      display_name: extra.display_name ?? `User ${username}`,
      traits: {
        type: 'traits_v0',
        username,
        ...(extra.email === null ? {} : { primary_email_address: extra.email ?? `${username}@example.com` }),
      },
    },
  };
}
