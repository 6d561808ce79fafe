import type { Db } from '../db/open';

export interface AuditEvent {
  tenant_id: string;
  realm_id?: string | null;
  actor: string;
  /** `{resource}.{verb}`, e.g. `identity.create`. */
  action: string;
  resource_type: string;
  resource_id: string;
  identity_id?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEvent {
  seq: number;
  create_time: string;
}

/** The append-only audit log: who changed what, when. Never holds secrets. */
export function createAuditRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO audit_events (tenant_id, realm_id, actor, action, resource_type, resource_id, identity_id, detail_json, create_time)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byTenant = db.prepare(
    `SELECT * FROM audit_events WHERE tenant_id = ? AND (? IS NULL OR identity_id = ?) ORDER BY seq DESC LIMIT ?`,
  );
  return {
    /** Appends one event; call inside the transaction of the change it records. */
    record(event: AuditEvent, now: Date): void {
      insert.run(
        event.tenant_id,
        event.realm_id ?? null,
        event.actor,
        event.action,
        event.resource_type,
        event.resource_id,
        event.identity_id ?? null,
        event.detail ? JSON.stringify(event.detail) : null,
        now.toISOString(),
      );
    },
    /** Newest first. */
    list(tenantId: string, options: { identityId?: string; limit?: number } = {}): AuditRecord[] {
      const id = options.identityId ?? null;
      return (byTenant.all(tenantId, id, id, options.limit ?? 100) as (AuditRecord & { detail_json: string | null })[]).map(
        ({ detail_json, ...row }) => ({ ...row, ...(detail_json ? { detail: JSON.parse(detail_json) } : {}) }),
      );
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
