import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { ApiError, forbidden, invalidField, invalidParameters, malformedRequest, unauthorized, type FieldViolation } from '../../lib/api-error';
import { bearerToken } from '../auth/authenticate';
import { isId } from '../../lib/ids';
import type { Scope } from '../auth/scopes';
import type { CloudDeps, CloudEnv, Principal } from '../deps';

/** What an operation's handler receives: checked params, parsed body, the caller and the clock. */
export interface OperationContext<B> {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: B;
  principal: Principal;
  deps: CloudDeps;
  now: Date;
}

/** A handler's answer: a JSON body with status 200, or an empty 200 (`undefined`). */
export type OperationResult = unknown;

/** A write's answer: anything but a promise, since a write runs inside the transaction and must end there. */
type WriteResult = (object & { then?: never }) | string | number | boolean | null | undefined;

interface OperationShape<S extends z.ZodType | undefined> {
  /** The operationId in Beyond Identity's OpenAPI file. */
  id: string;
  method: 'get' | 'post' | 'patch' | 'delete';
  /** A Hono path; custom methods are written `/@verb` (see `routingPath`). */
  path: string;
  /** The scope the spec's `security` names for this operation. */
  scope: Scope;
  /** Path parameters that may be `-` (all identities of the realm). */
  wildcards?: readonly string[];
  /**
   * Realm-level operations only reach the realm the token was issued in;
   * tenant-level ones (tenant, realms) reach the token's tenant.
   */
  level: 'tenant' | 'realm';
  body?: S;
}

type Ctx<S extends z.ZodType | undefined> = OperationContext<S extends z.ZodType ? z.infer<S> : undefined>;

/**
 * An operation either reads (`handle`) or writes (`write`). A write runs
 * synchronously inside the group-commit transaction (`deps.write`), and so do
 * its checks: the token lookup then reads pages that the group's transaction
 * already holds, instead of opening a read transaction of its own per request
 * (job creation: about 9% of its CPU, `npm run bench -- jobs`).
 */
export type Operation<S extends z.ZodType | undefined = z.ZodType | undefined> = OperationShape<S> &
  (
    | { handle(ctx: Ctx<S>): OperationResult | Promise<OperationResult>; write?: never }
    | { write(ctx: Ctx<S>): WriteResult; handle?: never }
  );

/** Declares an operation; the identity function keeps the body type flowing into `handle` or `write`. */
export function defineOperation<S extends z.ZodType | undefined = undefined>(op: Operation<S>): Operation<S> {
  return op;
}

/**
 * Mounts operations on the app. Every operation gets the same checks in the
 * same order, so no handler can forget one: bearer token (401), tenant, realm
 * and scope (403), path id format (400), then the body (415/400).
 */
export function mountOperations(app: Hono<CloudEnv>, deps: CloudDeps, operations: readonly Operation[]): void {
  for (const op of operations) {
    app.on(op.method.toUpperCase(), op.path, async (c) => {
      const params = c.req.param() as Record<string, string>;
      const header = c.req.header('authorization');
      let result: OperationResult;
      if (op.write) {
        // The body is read before the checks (reading is asynchronous, the
        // transaction is not), but its errors are thrown after them: a bad
        // token still gets its 401 before a bad body gets a 400. A header
        // that is no bearer token at all is refused before the body is read
        // and without taking the write lock.
        if (bearerToken(header) === undefined) throw unauthorized();
        const text = op.body ? await c.req.text() : '';
        const body = settle(() => (op.body ? parseJsonBody(text, c.req.header('content-type'), op.body) : undefined));
        result = await deps.write(() => {
          const principal = check(op, deps, header, params);
          return op.write({ params, query: c.req.query(), body: unwrap(body) as never, principal, deps, now: deps.clock() });
        });
      } else {
        const principal = check(op, deps, header, params);
        const body = op.body ? await readJsonBody(c, op.body) : undefined;
        result = await op.handle({ params, query: c.req.query(), body: body as never, principal, deps, now: deps.clock() });
      }
      // Beyond Identity answers deletes with 200 and no body.
      if (result === undefined) return c.body(null, 200);
      return c.json(result as object, 200);
    });
  }
}

/** The checks every operation makes, in order: token (401), tenant, realm and scope (403), path ids (400). */
function check(op: Operation, deps: CloudDeps, header: string | undefined, params: Record<string, string>): Principal {
  const principal = deps.authenticate(header);
  authorize(op, principal, params, deps);
  checkIds(op, params);
  return principal;
}

/** Runs an operation with a caller already checked (the Admin Console's admin). */
export async function runOperation<S extends z.ZodType | undefined>(op: Operation<S>, ctx: Ctx<S>): Promise<OperationResult> {
  if (op.write) {
    const write = op.write;
    return await ctx.deps.write(() => write(ctx));
  }
  return await op.handle(ctx);
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `fn` now and keeps its outcome, value or error, for later. */
function settle<T>(fn: () => T): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The value of an outcome, or its error thrown. */
function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

function authorize(op: Operation, principal: Principal, params: Record<string, string>, deps: CloudDeps): void {
  if (params.tenant_id !== principal.tenantId) throw forbidden();
  if (op.level === 'realm' && params.realm_id !== principal.realmId) throw forbidden();
  // The tenant itself (its settings and realms) is managed from its admin
  // realm only, as in Beyond Identity; a token of any other realm of the
  // tenant reaches that realm and nothing above it.
  if (op.level === 'tenant' && principal.realmId !== deps.repos.tenants.adminRealmId(principal.tenantId)) throw forbidden();
  if (!principal.scopes.has(op.scope)) throw forbidden();
}

/** Each operation's id parameters, in the order of its path. */
const idParams = new WeakMap<Operation, string[]>();

function checkIds(op: Operation, params: Record<string, string>): void {
  // In the path's order, not the params object's: that order is the router's
  // (see CloudRouter), and a client reads the violations in the order of its URL.
  let names = idParams.get(op);
  if (!names) idParams.set(op, (names = [...op.path.matchAll(/:(\w+_id)\b/g)].map((m) => m[1]!)));
  const violations: FieldViolation[] = [];
  for (const name of names) {
    const value = params[name];
    if (value === undefined) continue;
    if (value === '-' && op.wildcards?.includes(name)) continue;
    if (!isId(value)) violations.push({ field: name, description: 'must be 16 lowercase hexadecimal characters' });
  }
  if (violations.length > 0) throw invalidParameters(violations);
}

/**
 * Reads a JSON body and validates it. The media type must be JSON (415 otherwise);
 * an empty body counts as `{}` so that body-less custom methods like `:revoke`
 * work with or without `{}`. Unknown fields are dropped, as the spec says of
 * read-only fields.
 */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseJsonBody(await c.req.text(), c.req.header('content-type'), schema);
}

/** `readJsonBody` for a body already read. */
function parseJsonBody<S extends z.ZodType>(text: string, contentType: string | undefined, schema: S): z.infer<S> {
  let json: unknown = {};
  if (text.trim() !== '') {
    if (!/^application\/(.+\+)?json\s*(;|$)/i.test(contentType ?? '')) {
      throw new ApiError(415, 'unsupported_media_type', 'content type must be application/json');
    }
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw malformedRequest(cause);
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw malformedRequest();
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw invalidParameters(
      parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(body)',
        description: describeIssue(issue),
      })),
    );
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'is required';
  return issue.message;
}

/** Reads a required query parameter as an id, or throws a 400 naming it. */
export function queryId(query: Record<string, string | undefined>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (!isId(value)) throw invalidField(name, 'must be 16 lowercase hexadecimal characters');
  return value;
}
