import type { Context } from 'hono';
import type { z } from 'zod';
import { invalidField } from '../../lib/api-error';
import { isId } from '../../lib/ids';
import { MANAGEMENT_SCOPES } from '../auth/scopes';
import type { CloudDeps, Principal } from '../deps';
import { runOperation, type Operation } from '../http/operation';
import type { ConsoleEnv } from './session';

const ALL_SCOPES: ReadonlySet<string> = new Set(MANAGEMENT_SCOPES);

/**
 * Runs a management API operation as the signed-in admin, in the realm of the
 * request. The console changes nothing by a path of its own: creating an
 * identity, a binding job (with its email), a batch, an application… goes
 * through the very handler the Management API uses, so validation, side
 * effects and audit events are the same; only the actor reads `admin:{username}`.
 */
export async function runAsAdmin<S extends z.ZodType | undefined>(
  c: Context<ConsoleEnv>,
  deps: CloudDeps,
  op: Operation<S>,
  input: {
    params?: Record<string, string>;
    body?: S extends z.ZodType ? z.infer<S> : undefined;
    query?: Record<string, string | undefined>;
  } = {},
): Promise<unknown> {
  const admin = c.get('admin');
  const realmId = c.get('realmId');
  const principal: Principal = {
    tokenId: `console:${admin.id}`,
    tenantId: admin.tenant_id,
    realmId,
    applicationId: '',
    scopes: ALL_SCOPES,
    actor: actorOf(c),
  };
  return await runOperation(op, {
    params: { tenant_id: admin.tenant_id, realm_id: realmId, ...input.params },
    query: input.query ?? {},
    body: input.body as never,
    principal,
    deps,
    now: deps.clock(),
  });
}

/** Who the audit log names for the signed-in admin. */
export function actorOf(c: Context<ConsoleEnv>): string {
  return `admin:${c.get('admin').username}`;
}

/** A path parameter that must be an id (16 lowercase hex), or a 400 naming it. */
export function idParam(c: Context<ConsoleEnv>, name: string): string {
  const value = c.req.param(name) ?? '';
  if (!isId(value)) throw invalidField(name, 'must be 16 lowercase hexadecimal characters');
  return value;
}
