import type { QueryClient } from '@tanstack/react-query';
import { consoleKeys } from '../../lib/query-keys';

/**
 * After a job of the identity changed (created, sent, failed, revoked, completed): its enrollment
 * status is derived from its jobs (PENDING, INVITE_FAILED, ENROLLED…), so the identity is read
 * again, here and in the lists. Not the whole identity prefix: a live job view keeps its job current.
 */
export function invalidateEnrollment(queryClient: QueryClient, realmId: string, identityId: string): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: consoleKeys.identitySelf(realmId, identityId) }),
    queryClient.invalidateQueries({ queryKey: consoleKeys.identityLists(realmId) }),
  ]);
}
