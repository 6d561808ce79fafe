import type { AuthenticatorConfig, AuthenticatorConfigBody } from '../../../contracts/bi/authenticator-config';
import { invalidField } from '../../lib/api-error';
import { statementCache, type Db } from '../db/open';
import type { FilterTerm } from '../http/filter';
import { takePage, type PageOf, type PageRequest } from '../http/paging';

interface ConfigRow {
  seq: number;
  id: string;
  tenant_id: string;
  realm_id: string;
  display_name: string | null;
  config_json: string;
}

/**
 * Filter attributes ListAuthenticatorConfigs accepts, and the condition each
 * adds. The spec gives the operation a `filter` but names no attributes; these
 * are the AuthenticatorConfig fields a caller can look one up by. Values
 * compare exactly, as ids and the config type are case-exact. The realm index
 * (authenticator_configs_by_realm) drives every query; `id` is the primary key.
 */
export const AUTHENTICATOR_CONFIG_FILTERS = {
  id: 'id = ?',
  display_name: 'display_name = ?',
  'config.type': "json_extract(config_json, '$.type') = ?",
} as const;

const CONFIG_TYPES = ['embedded', 'hosted_web'];

/** Authenticator configs: how (and from which origins) the SDK is invoked. */
export function createAuthenticatorConfigRepository(db: Db) {
  const get = db.prepare(`SELECT rowid AS seq, * FROM authenticator_configs WHERE id = ? AND realm_id = ?`);
  const exists = db.prepare(`SELECT EXISTS (SELECT 1 FROM authenticator_configs WHERE id = ? AND realm_id = ?)`).pluck();
  const insert = db.prepare(
    `INSERT INTO authenticator_configs (id, tenant_id, realm_id, display_name, config_json, create_time, update_time)
     VALUES (@id, @tenant_id, @realm_id, @display_name, @config_json, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE authenticator_configs SET display_name = @display_name, config_json = @config_json, update_time = @now WHERE id = @id`,
  );
  const remove = db.prepare(`DELETE FROM authenticator_configs WHERE id = ?`);
  const tombstone = db.prepare(
    `INSERT INTO deleted_authenticator_configs (id, realm_id, trusted_origins_json, delete_time) VALUES (@id, @realm_id, @origins, @now)`,
  );
  // The live config's, else the deleted one's (migration 14).
  const origins = db.prepare(
    `SELECT json_extract(config_json, '$.trusted_origins') FROM authenticator_configs WHERE id = @id AND realm_id = @realm_id
     UNION ALL
     SELECT trusted_origins_json FROM deleted_authenticator_configs WHERE id = @id AND realm_id = @realm_id
     LIMIT 1`,
  ).pluck();
  const inUse = db.prepare(`SELECT EXISTS (SELECT 1 FROM applications WHERE authenticator_config_id = ?)`).pluck();
  const prepared = statementCache(db);
  return {
    get: (realmId: string, id: string) => toConfig(get.get(id, realmId) as ConfigRow | undefined),
    /** Whether the realm has this config, without reading it. */
    exists: (realmId: string, id: string) => exists.get(id, realmId) === 1,
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
    /** Deletes the config, keeping its trusted origins for the CORS of links issued under it. */
    remove(config: AuthenticatorConfig, now: Date): void {
      tombstone.run({ id: config.id, realm_id: config.realm_id, origins: JSON.stringify(config.config.trusted_origins), now: now.toISOString() });
      remove.run(config.id);
    },
    /** The trusted origins of a config, live or deleted; none for an unknown one. */
    trustedOrigins(realmId: string, id: string): string[] {
      const json = origins.get({ id, realm_id: realmId }) as string | undefined;
      return json ? (JSON.parse(json) as string[]) : [];
    },
    isUsedByApplication: (id: string) => inUse.get(id) === 1,
    /** One page of the realm's configs matching every term (`terms` from `AUTHENTICATOR_CONFIG_FILTERS`). */
    list(realmId: string, req: PageRequest, terms: readonly FilterTerm[] = []): PageOf<AuthenticatorConfig> {
      const where = ['realm_id = ?'];
      const values = [realmId];
      for (const term of terms) {
        // An unknown type can match nothing: say so, as ListCredentialBindingJobs does for its enums.
        if (term.attribute === 'config.type' && !CONFIG_TYPES.includes(term.value)) {
          throw invalidField('filter', `config.type must be ${CONFIG_TYPES.join(' or ')}`);
        }
        where.push(AUTHENTICATOR_CONFIG_FILTERS[term.attribute as keyof typeof AUTHENTICATOR_CONFIG_FILTERS]);
        values.push(term.value);
      }
      const sqlWhere = where.join(' AND ');
      const rows = prepared(
        `SELECT rowid AS seq, * FROM authenticator_configs WHERE ${sqlWhere} AND rowid > ? ORDER BY rowid LIMIT ? OFFSET ?`,
      ).all(...values, req.afterSeq, req.size + 1, req.skip) as ConfigRow[];
      const total = prepared(`SELECT count(*) FROM authenticator_configs WHERE ${sqlWhere}`).pluck().get(...values) as number;
      return takePage(rows, req, total, (row) => toConfig(row)!);
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
