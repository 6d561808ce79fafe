import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { randomBytes } from 'node:crypto';
import { signInRequest, type SessionResponse } from '../../../../contracts/console-api';
import type { CloudDeps } from '../../deps';
import { readJsonBody } from '../../http/operation';
import { ConsoleError } from '../errors';
import { hashPassword, verifyPassword } from '../password';
import type { AdminRecord } from '../repository';
import { endSession, startSession, type ConsoleEnv } from '../session';
import type { SignInLimits } from '../sign-in-limits';

/** The one answer to every wrong username or password: it must not tell which was wrong. */
const INVALID = 'invalid username or password';

/** `POST`, `GET` and `DELETE /console/api/session`. */
export function sessionRoutes(deps: CloudDeps, options: { limits: SignInLimits; inboxUrl: string | undefined }) {
  const { console: repo } = deps.repos;
  // Unknown usernames are checked against this, so they take as long as known ones.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword(randomBytes(18).toString('base64url')));

  function describe(admin: AdminRecord, csrfToken: string, expireTime: string): SessionResponse {
    const tenant = deps.repos.tenants.get(admin.tenant_id);
    const realms = repo.realmsOfTenant(admin.tenant_id);
    return {
      admin: { id: admin.id, username: admin.username, last_sign_in_time: admin.last_sign_in_time },
      csrf_token: csrfToken,
      expire_time: expireTime,
      tenant: { id: admin.tenant_id, display_name: tenant?.display_name ?? admin.tenant_id },
      realms,
      // The first realm is the development tenant's seeded one.
      default_realm_id: realms[0]?.id ?? '',
      cloud: { api_base_url: deps.config.apiBaseUrl, auth_base_url: deps.config.authBaseUrl },
      inbox: options.inboxUrl ? { url: options.inboxUrl } : null,
    };
  }

  return {
    async signIn(c: Context<ConsoleEnv>): Promise<Response> {
      c.header('Cache-Control', 'no-store');
      const body = await readJsonBody(c, signInRequest);
      const ip = peerAddress(c);
      const attempt = await options.limits.tryBegin(ip, body.username);
      if ('retryAfter' in attempt) {
        deps.log.warn('console sign-in refused: too many failures', { ip, retry_after: attempt.retryAfter });
        throw tooMany(attempt.retryAfter);
      }
      const admin = repo.adminByUsername(body.username);
      const stored = admin?.password_hash ?? (await dummy());
      const ok = await options.limits.hashing(() => verifyPassword(body.password, stored));
      if (ok === undefined) throw tooMany(1);
      const now = deps.clock();
      if (!admin || !ok) {
        if (admin) {
          // Audited only for a real admin: an unknown "username" may be a password typed in the wrong field.
          // Not awaited: waiting for the commit here would make a real username answer slower than an unknown one.
          deps
            .write(() =>
              deps.repos.audit.record(
                { tenant_id: admin.tenant_id, actor: 'anonymous', action: 'console.sign_in_failed', resource_type: 'Admin', resource_id: admin.id, detail: { username: admin.username, ip } },
                now,
              ),
            )
            .catch((error: unknown) => deps.log.error('console: failed sign-in not audited', { error }));
        }
        deps.log.warn('console sign-in failed', { ip, known_username: Boolean(admin) });
        throw new ConsoleError(401, 'invalid_credentials', INVALID);
      }
      const started = await deps.write(() => {
        // In the session's own write: if that write fails, the attempt stays counted as a
        // failure (the cautious side; the admin sees an error and may try again).
        attempt.succeeded();
        const session = startSession(c, deps, admin, now);
        repo.markSignedIn(admin.id, now);
        deps.repos.audit.record(
          { tenant_id: admin.tenant_id, actor: `admin:${admin.username}`, action: 'console.sign_in', resource_type: 'Admin', resource_id: admin.id, detail: { ip } },
          now,
        );
        return session;
      });
      return c.json(describe({ ...admin, last_sign_in_time: now.toISOString() }, started.csrfToken, started.expireTime));
    },

    getSession(c: Context<ConsoleEnv>): Response {
      return c.json(describe(c.get('admin'), c.get('csrfToken'), c.get('sessionExpireTime')));
    },

    async signOut(c: Context<ConsoleEnv>): Promise<Response> {
      const admin = c.get('admin');
      await deps.write(() => {
        endSession(c, deps);
        deps.repos.audit.record(
          { tenant_id: admin.tenant_id, actor: `admin:${admin.username}`, action: 'console.sign_out', resource_type: 'Admin', resource_id: admin.id },
          deps.clock(),
        );
      });
      return c.body(null, 204);
    },
  };
}

function tooMany(retryAfterSeconds: number): ConsoleError {
  return new ConsoleError(429, 'too_many_requests', `too many failed sign-ins; try again in ${retryAfterSeconds} s`, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/**
 * The address of the peer, from the socket, never from a header the client
 * writes itself (X-Forwarded-For). Empty in-process (tests).
 */
function peerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? '';
  } catch {
    return '';
  }
}
