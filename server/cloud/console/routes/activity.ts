import type { Context } from 'hono';
import { activityQuery, type ActivityResponse } from '../../../../contracts/console-api';
import type { CloudDeps } from '../../deps';
import { readQuery } from '../errors';
import type { ConsoleEnv } from '../session';

/** The audit log, newest first: the realm's events and tenant-wide ones (console sign-ins). */
export function activityRoutes(deps: CloudDeps) {
  return {
    listActivity(c: Context<ConsoleEnv>): Response {
      const query = readQuery(c, activityQuery);
      const limit = query.page_size ?? 50;
      const realmId = c.get('realmId');
      const rows = deps.repos.console.activity(c.get('admin').tenant_id, realmId, {
        // A deleted identity's job creations are found another way (ACTIVITY_OF_GONE_IDENTITY_SQL).
        ...(query.identity_id ? { identity: { id: query.identity_id, inRealm: deps.repos.identities.exists(realmId, query.identity_id) } } : {}),
        ...(query.before ? { beforeSeq: query.before } : {}),
        limit: limit + 1,
      });
      const events = rows.slice(0, limit);
      return c.json({
        events,
        next_before: rows.length > limit ? events.at(-1)!.seq : null,
      } satisfies ActivityResponse);
    },
  };
}
