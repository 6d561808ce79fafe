import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { consolePath } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `DELETE …/identities/:id`: the identity goes, with its credentials and binding jobs. */
export function deleteIdentity(realmId: string, identityId: string): Promise<void> {
  return consoleRequest(consolePath('deleteIdentity', { realm_id: realmId, identity_id: identityId }), { method: 'DELETE' });
}

/**
 * `deleteIdentity` as a mutation; the lists refetch. The identity's own queries are left to the
 * page (`forgetIdentity` once it has navigated away): dropping them while the page still shows
 * them would refetch them, and flash a 404.
 */
export function useDeleteIdentity(realmId: string, identityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteIdentity(realmId, identityId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: consoleKeys.identityLists(realmId) }),
  });
}

/** Drops every cached answer about a deleted identity (detail, credentials, jobs). */
export function forgetIdentity(queryClient: QueryClient, realmId: string, identityId: string): void {
  queryClient.removeQueries({ queryKey: consoleKeys.identity(realmId, identityId) });
}
