import type { AuthenticatorConfig, AuthenticatorConfigBody } from '../../../contracts/bi/authenticator-config';
import type { Db } from '../db/open';
import { takePage, type PageOf, type PageRequest } from '../http/paging';

interface ConfigRow {
  seq: number;
  id: string;
  tenant_id: string;
  realm_id: string;
  display_name: string | null;
  config_json: string;
}

/** Authenticator configs: how (and from which origins) the SDK is invoked. */
export function createAuthenticatorConfigRepository(db: Db) {
  const get = db.prepare(`SELECT rowid AS seq, * FROM authenticator_configs WHERE id = ? AND realm_id = ?`);
  const insert = db.prepare(
    `INSERT INTO authenticator_configs (id, tenant_id, realm_id, display_name, config_json, create_time, update_time)
     VALUES (@id, @tenant_id, @realm_id, @display_name, @config_json, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE authenticator_configs SET display_name = @display_name, config_json = @config_json, update_time = @now WHERE id = @id`,
  );
  const remove = db.prepare(`DELETE FROM authenticator_configs WHERE id = ?`);
  const inUse = db.prepare(`SELECT EXISTS (SELECT 1 FROM applications WHERE authenticator_config_id = ?)`).pluck();
  const page = db.prepare(
    `SELECT rowid AS seq, * FROM authenticator_configs WHERE realm_id = ? AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`,
  );
  const count = db.prepare(`SELECT count(*) FROM authenticator_configs WHERE realm_id = ?`).pluck();
  return {
    get: (realmId: string, id: string) => toConfig(get.get(id, realmId) as ConfigRow | undefined),
    insert(config: AuthenticatorConfig, now: Date): void {
      insert.run({
        id: config.id,
        tenant_id: config.tenant_id,
        realm_id: config.realm_id,
        display_name: config.display_name ?? null,
        config_json: JSON.stringify(config.config),
        now: now.toISOString(),
      });
    },
    update(config: AuthenticatorConfig, now: Date): void {
      update.run({
        id: config.id,
        display_name: config.display_name ?? null,
        config_json: JSON.stringify(config.config),
        now: now.toISOString(),
      });
    },
    remove: (id: string) => void remove.run(id),
    isUsedByApplication: (id: string) => inUse.get(id) === 1,
    list(realmId: string, req: PageRequest): PageOf<AuthenticatorConfig> {
      const rows = page.all(realmId, req.afterSeq, req.size + 1, req.skip) as ConfigRow[];
      return takePage(rows, req, count.get(realmId) as number, (row) => toConfig(row)!);
    },
  };
}

function toConfig(row: ConfigRow | undefined): AuthenticatorConfig | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    realm_id: row.realm_id,
    tenant_id: row.tenant_id,
    ...(row.display_name ? { display_name: row.display_name } : {}),
    config: JSON.parse(row.config_json) as AuthenticatorConfigBody,
  };
}

export type AuthenticatorConfigRepository = ReturnType<typeof createAuthenticatorConfigRepository>;
