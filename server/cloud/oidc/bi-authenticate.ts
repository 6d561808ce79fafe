import type { Context } from 'hono';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { hashSecret, newSecret } from '../../lib/ids';
import type { CloudDeps } from '../deps';
import { findClientApp } from './client-app';
import { createDenyBudget, DENY_AUDIT_WINDOW_MS, type NotRecorded } from './deny-budget';

/** How long an authorization code lives. */
const CODE_SECONDS = 60;

/**
 * `POST {auth_base}/v1/tenants/{t}/realms/{r}/applications/{app}/bi-authenticate`,
 * form body `claims={"Jwt":"<proof>"}`: the SDK's passkey proof for an authorize
 * transaction. The proof's `kid` is the RFC 7638 thumbprint of the passkey's
 * public key, so it finds the credential; the credential must be ACTIVE, of
 * this realm, and its identity not suspended. Then the signature, `aud` (this
 * URL), `exp`, and the transaction's `bi_tid` and `bi_non` (single use).
 * The answer is always 200: `{"type":"allow","code":…}` or `{"type":"deny"}`
 * (any other shape is "Failed to decode a response" in the SDK); the reason
 * for a deny goes to the audit log, not to the browser.
 */
export async function biAuthenticate(c: Context, deps: CloudDeps, denials: SignInDenials): Promise<Response> {
  const params = c.req.param() as Record<string, string>;
  const client = findClientApp(deps, params);
  c.header('Cache-Control', 'no-store');
  if (!client) {
    // Nothing to attribute it to: the ids are only what the URL says, so an
    // audit row would let anyone write junk into a tenant's log. Log it only.
    deps.log.info('sign-in denied', { reason: 'unknown application' });
    return c.json({ type: 'deny' });
  }
  const deny = async (reason: string, identityId?: string) => {
    const app = client.app;
    const recorded = await denials.deny(
      { tenant_id: app.tenant_id, realm_id: app.realm_id, application_id: app.id },
      { identity_id: identityId ?? null, detail: { reason } },
    );
    deps.log.info('sign-in denied', { reason, application_id: app.id, ...(recorded ? {} : { audited: 'counted' }) });
    return c.json({ type: 'deny' });
  };

  const raw = await readProof(c);
  if (!raw) return deny('malformed proof body');
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(raw).kid;
  } catch {
    return deny('proof is not a JWS');
  }
  // The header is the caller's JSON: a `kid` that is an object or a boolean is a bad proof, not a lookup (SQLite refuses to bind it).
  if (kid !== undefined && typeof kid !== 'string') return deny('proof is not a JWS');
  const credential = kid ? deps.repos.credentials.findByThumbprint(kid) : undefined;
  if (!credential || credential.realm_id !== client.app.realm_id || credential.tenant_id !== client.app.tenant_id) {
    return deny('unknown credential');
  }
  if (credential.state !== 'ACTIVE') return deny('credential revoked', credential.identity_id);
  const now = deps.clock();
  const identity = deps.repos.identities.get(credential.realm_id, credential.identity_id, now);
  if (!identity) return deny('identity deleted', credential.identity_id);
  if (identity.status === 'suspended') return deny('identity suspended', identity.id);

  let payload: Record<string, unknown>;
  try {
    const key = await importJWK(JSON.parse(credential.jwk_json) as JWK, 'ES256');
    ({ payload } = await jwtVerify(raw, key, {
      algorithms: ['ES256'],
      audience: `${client.issuer}/bi-authenticate`,
      currentDate: now,
      requiredClaims: ['exp', 'bi_tid', 'bi_non'],
    }));
  } catch (error) {
    return deny(`proof rejected: ${(error as Error).message}`, identity.id);
  }
  if (payload.sub !== `CN=${identity.id}, OU=${identity.realm_id}, O=${identity.tenant_id}`) return deny('proof sub names another identity', identity.id);

  const transaction = deps.repos.oidc.getTransaction(String(payload.bi_tid));
  if (!transaction || transaction.application_id !== client.app.id) return deny('unknown transaction', identity.id);
  if (payload.bi_non !== transaction.bi_nonce) return deny('nonce does not match the transaction', identity.id);

  const code = newSecret(32);
  const refusal = await deps.write(() => {
    // Checked again where the code is written: a revocation or suspension
    // committed since the checks above (while the proof was verified, or
    // earlier in this group commit) still refuses.
    if (deps.repos.credentials.get(credential.realm_id, credential.identity_id, credential.id)?.state !== 'ACTIVE') return 'credential revoked';
    if (deps.repos.identities.get(identity.realm_id, identity.id, now)?.status !== 'active') return 'identity suspended or deleted';
    if (!deps.repos.oidc.useTransaction(transaction.id, now)) return 'transaction used or expired';
    deps.repos.oidc.insertCode({
      code_hash: hashSecret(code),
      transaction_id: transaction.id,
      application_id: client.app.id,
      identity_id: identity.id,
      credential_id: credential.id,
      auth_time: Math.floor(now.getTime() / 1000),
      expire_time: new Date(now.getTime() + CODE_SECONDS * 1000).toISOString(),
      create_time: now.toISOString(),
    });
    deps.repos.audit.record(
      { tenant_id: identity.tenant_id, realm_id: identity.realm_id, actor: 'passkey', action: 'sign_in.allow', resource_type: 'Credential', resource_id: credential.id, identity_id: identity.id, detail: { application_id: client.app.id } },
      now,
    );
    return undefined;
  });
  if (refusal) return deny(refusal, identity.id);
  return c.json({ type: 'allow', code, message: `Signed in as ${identity.traits.username}` });
}

async function readProof(c: Context): Promise<string | undefined> {
  try {
    const form = new URLSearchParams(await c.req.text());
    const claims = JSON.parse(form.get('claims') ?? '') as { Jwt?: unknown };
    return typeof claims.Jwt === 'string' && claims.Jwt.length < 8192 ? claims.Jwt : undefined;
  } catch {
    return undefined;
  }
}

/** Whom a sign-in denial is attributed to: the application whose `bi-authenticate` was called. */
export interface DenyScope {
  tenant_id: string;
  realm_id: string;
  application_id: string;
}

/**
 * The audit rows of sign-in denials, within a budget per application (see
 * deny-budget.ts): `deny` writes the denial's own row while the application's
 * window has room, else only counts it; each window's count is written as one
 * `sign_in.deny` row once the window has ended. One per cloud process.
 */
export function createSignInDenials(deps: CloudDeps, options: { limit?: number; windowMs?: number } = {}) {
  const budget = createDenyBudget<DenyScope>(options);
  const windowMs = options.windowMs ?? DENY_AUDIT_WINDOW_MS;
  let timer: NodeJS.Timeout | undefined;

  const countRow = (ended: NotRecorded<DenyScope>, now: Date) =>
    deps.repos.audit.record(
      {
        tenant_id: ended.about.tenant_id, realm_id: ended.about.realm_id, actor: 'passkey', action: 'sign_in.deny',
        resource_type: 'Application', resource_id: ended.about.application_id, identity_id: null,
        detail: { reason: 'more denials than are recorded one by one', not_recorded: ended.count, from: ended.from.toISOString(), to: ended.to.toISOString() },
      },
      now,
    );

  // Writes the counts of windows that ended with no denial after them (nobody else would).
  const flush = async () => {
    timer = undefined;
    const now = deps.clock();
    const due = budget.flushDue(now);
    try {
      if (due.length > 0) await deps.write(() => due.forEach((ended) => countRow(ended, now)));
    } catch (error) {
      deps.log.warn('sign-in denial counts not recorded', { error: String(error), windows: due.length });
    }
    if (budget.size > 0) schedule();
  };
  const schedule = () => {
    timer ??= setTimeout(() => void flush(), windowMs).unref();
  };

  return {
    /** Records one denial (or counts it); resolves to whether it got a row of its own. */
    async deny(scope: DenyScope, event: { identity_id: string | null; detail: Record<string, unknown> }): Promise<boolean> {
      const now = deps.clock();
      const { record, ended } = budget.take(scope.application_id, now, scope);
      if (!record) schedule();
      if (record || ended) {
        await deps.write(() => {
          if (ended) countRow(ended, now);
          if (record) {
            deps.repos.audit.record(
              { tenant_id: scope.tenant_id, realm_id: scope.realm_id, actor: 'passkey', action: 'sign_in.deny', resource_type: 'Application', resource_id: scope.application_id, identity_id: event.identity_id, detail: event.detail },
              now,
            );
          }
        });
      }
      return record;
    },
  };
}

export type SignInDenials = ReturnType<typeof createSignInDenials>;
