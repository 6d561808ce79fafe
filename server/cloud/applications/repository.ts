import type { Application, ProtocolConfig } from '../../../contracts/bi/application';
import type { Db } from '../db/open';
import { takePage, type PageOf, type PageRequest } from '../http/paging';
import { authMethodFor } from './protocol-rules';

interface ApplicationRow {
  seq: number;
  id: string;
  tenant_id: string;
  realm_id: string;
  display_name: string | null;
  resource_server_id: string | null;
  authenticator_config_id: string | null;
  is_managed: number;
  protocol_config_json: string | null;
  client_id: string | null;
  client_secret_hash: string | null;
}

/** An application with what only the cloud may see: the client secret's hash. */
export interface StoredApplication extends Application {
  client_secret_hash?: string;
}

/** Applications (OAuth2/OIDC clients) of a realm. */
export function createApplicationRepository(db: Db) {
  const get = db.prepare(`SELECT rowid AS seq, * FROM applications WHERE id = ? AND realm_id = ?`);
  const byClientId = db.prepare(`SELECT rowid AS seq, * FROM applications WHERE client_id = ?`);
  const insert = db.prepare(
    `INSERT INTO applications (id, tenant_id, realm_id, display_name, resource_server_id, authenticator_config_id, is_managed,
       protocol_config_json, client_id, client_secret_hash, create_time, update_time)
     VALUES (@id, @tenant_id, @realm_id, @display_name, @resource_server_id, @authenticator_config_id, @is_managed,
       @protocol_config_json, @client_id, @client_secret_hash, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE applications SET display_name = @display_name, resource_server_id = @resource_server_id,
       authenticator_config_id = @authenticator_config_id, protocol_config_json = @protocol_config_json,
       client_secret_hash = @client_secret_hash, update_time = @now
     WHERE id = @id`,
  );
  const remove = db.prepare(`DELETE FROM applications WHERE id = ?`);
  const byConfig = db.prepare(`SELECT id FROM applications WHERE authenticator_config_id = ? ORDER BY rowid LIMIT 1`).pluck();
  const page = db.prepare(
    `SELECT rowid AS seq, * FROM applications WHERE realm_id = ? AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`,
  );
  const count = db.prepare(`SELECT count(*) FROM applications WHERE realm_id = ?`).pluck();
  const params = (app: StoredApplication, now: Date) => {
    const { client_id, client_secret: _secret, ...protocol } = app.protocol_config ?? ({} as ProtocolConfig);
    return {
      id: app.id,
      tenant_id: app.tenant_id,
      realm_id: app.realm_id,
      display_name: app.display_name ?? null,
      resource_server_id: app.resource_server_id ?? null,
      authenticator_config_id: app.authenticator_config_id ?? null,
      is_managed: app.is_managed ? 1 : 0,
      protocol_config_json: app.protocol_config ? JSON.stringify(protocol) : null,
      client_id: client_id ?? null,
      client_secret_hash: app.client_secret_hash ?? null,
      now: now.toISOString(),
    };
  };
  return {
    get: (realmId: string, id: string) => toApplication(get.get(id, realmId) as ApplicationRow | undefined),
    getByClientId: (clientId: string) => toApplication(byClientId.get(clientId) as ApplicationRow | undefined),
    insert: (app: StoredApplication, now: Date) => void insert.run(params(app, now)),
    /**
     * Writes the application's mutable fields, the secret's hash included: an
     * absent `client_secret_hash` removes it (a client turned public keeps no
     * secret), so pass the stored application through, not a partial one.
     */
    update(app: StoredApplication, now: Date): void {
      const { id, display_name, resource_server_id, authenticator_config_id, protocol_config_json, client_secret_hash, now: time } = params(app, now);
      update.run({ id, display_name, resource_server_id, authenticator_config_id, protocol_config_json, client_secret_hash, now: time });
    },
    remove: (id: string) => void remove.run(id),
    /** The (first) application that binds and signs in through this authenticator config. */
    idUsingAuthenticatorConfig: (configId: string) => byConfig.get(configId) as string | undefined,
    list(realmId: string, req: PageRequest): PageOf<Application> {
      const rows = page.all(realmId, req.afterSeq, req.size + 1, req.skip) as ApplicationRow[];
      return takePage(rows, req, count.get(realmId) as number, (row) => publicApplication(toApplication(row)!));
    },
  };
}

function toApplication(row: ApplicationRow | undefined): StoredApplication | undefined {
  if (!row) return undefined;
  const protocol = row.protocol_config_json ? (JSON.parse(row.protocol_config_json) as ProtocolConfig) : undefined;
  return {
    id: row.id,
    realm_id: row.realm_id,
    tenant_id: row.tenant_id,
    ...(row.resource_server_id ? { resource_server_id: row.resource_server_id } : {}),
    ...(row.authenticator_config_id ? { authenticator_config_id: row.authenticator_config_id } : {}),
    ...(row.display_name ? { display_name: row.display_name } : {}),
    is_managed: row.is_managed === 1,
    ...(protocol ? { protocol_config: { ...protocol, ...(row.client_id ? { client_id: row.client_id } : {}) } } : {}),
    ...(row.client_secret_hash ? { client_secret_hash: row.client_secret_hash } : {}),
  };
}

/**
 * The application as the API shows it: never the secret's hash, and
 * `token_endpoint_auth_method` as the spec fixes it for responses
 * (TokenEndpointAuthMethod), whatever a row written before that rule holds.
 */
export function publicApplication(app: StoredApplication): Application {
  const { client_secret_hash: _hash, ...rest } = app;
  if (!rest.protocol_config) return rest;
  return { ...rest, protocol_config: { ...rest.protocol_config, token_endpoint_auth_method: authMethodFor(rest.protocol_config.confidentiality) } };
}

export type ApplicationRepository = ReturnType<typeof createApplicationRepository>;
