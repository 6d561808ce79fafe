import type { DevTenant } from '../../../contracts/dev-tenant';
import { newId, newSecret } from '../../lib/ids';
import type { CloudDeps } from '../deps';
import { DEFAULT_SCRYPT_COST, hashPasswordSync, type ScryptCost } from './password';

/** The development tenant's admin is called this (unless another tenant's admin already is). */
export const DEFAULT_ADMIN_USERNAME = 'admin';

/**
 * Creates a console admin with a hashed password (inside the caller's
 * transaction, if any) and records it in the audit log.
 */
export function createAdmin(
  deps: CloudDeps,
  input: { tenantId: string; username: string; password: string; actor: string; cost?: ScryptCost },
  now: Date,
): { id: string } {
  const id = newId();
  deps.repos.console.insertAdmin({
    id,
    tenant_id: input.tenantId,
    username: input.username,
    password_hash: hashPasswordSync(input.password, input.cost ?? DEFAULT_SCRYPT_COST),
    create_time: now.toISOString(),
  });
  deps.repos.audit.record(
    { tenant_id: input.tenantId, actor: input.actor, action: 'admin.create', resource_type: 'Admin', resource_id: id, detail: { username: input.username } },
    now,
  );
  return { id };
}

/**
 * Makes sure the development tenant has a console admin whose password is in
 * `dev-tenant.json` (`console: {url, username, password}`). A tenant from an
 * older run (no `console` yet), or whose admin is gone, gets one now, with a
 * new random password; one whose admin exists keeps it. The console URL
 * follows the cloud's current public URL.
 */
export function ensureConsoleAdmin(deps: CloudDeps, tenant: DevTenant, now: Date): DevTenant {
  const url = `${deps.config.apiBaseUrl}/console`;
  const repo = deps.repos.console;
  const known = tenant.console ? repo.adminByUsername(tenant.console.username) : undefined;
  if (tenant.console && known?.tenant_id === tenant.tenant_id) return { ...tenant, console: { ...tenant.console, url } };

  return deps.db.transaction(() => {
    // 144 random bits as 24 URL-safe characters: nothing to guess, easy to paste.
    const password = newSecret(18);
    const preferred = tenant.console?.username ?? DEFAULT_ADMIN_USERNAME;
    const existing = repo.adminByUsername(preferred);
    if (existing && existing.tenant_id === tenant.tenant_id) {
      // The admin exists but its password was not kept (an older dev-tenant.json): a new one is the only way back in.
      repo.setPassword(existing.id, hashPasswordSync(password));
      deps.repos.audit.record(
        { tenant_id: tenant.tenant_id, actor: 'system:seed', action: 'admin.reset_password', resource_type: 'Admin', resource_id: existing.id },
        now,
      );
      return { ...tenant, console: { url, username: existing.username, password } };
    }
    // Usernames are unique across tenants (sign-in asks for no tenant).
    const username = existing ? `${DEFAULT_ADMIN_USERNAME}-${tenant.tenant_id.slice(0, 8)}` : preferred;
    createAdmin(deps, { tenantId: tenant.tenant_id, username, password, actor: 'system:seed' }, now);
    return { ...tenant, console: { url, username, password } };
  })();
}
