import type { Tenant } from '../../../contracts/bi/tenant';
import type { Db } from '../db/open';

/** Tenants: the top of Beyond Identity's hierarchy. */
export function createTenantRepository(db: Db) {
  const get = db.prepare(`SELECT id, display_name, create_time, update_time FROM tenants WHERE id = ?`);
  const insert = db.prepare(
    `INSERT INTO tenants (id, display_name, create_time, update_time) VALUES (@id, @display_name, @create_time, @update_time)`,
  );
  const update = db.prepare(`UPDATE tenants SET display_name = ?, update_time = ? WHERE id = ?`);
  const adminRealm = db.prepare(`SELECT admin_realm_id FROM tenants WHERE id = ?`).pluck();
  const setAdminRealm = db.prepare(`UPDATE tenants SET admin_realm_id = ? WHERE id = ?`);
  return {
    get: (id: string) => get.get(id) as Tenant | undefined,
    insert: (tenant: Tenant) => void insert.run(tenant),
    update: (id: string, displayName: string, now: Date) => void update.run(displayName, now.toISOString(), id),
    /** The realm whose tokens may manage the tenant itself (tenant-level operations). */
    adminRealmId: (id: string) => (adminRealm.get(id) as string | null | undefined) ?? undefined,
    setAdminRealm: (id: string, realmId: string) => void setAdminRealm.run(realmId, id),
  };
}

export type TenantRepository = ReturnType<typeof createTenantRepository>;
