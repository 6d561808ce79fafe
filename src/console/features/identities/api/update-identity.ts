import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath, identityDetail, type IdentityDetail, type UpdateIdentityRequest } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';
import { identityQueryOptions } from './get-identity';

/**
 * `PATCH …/identities/:id`: only the given fields change (`email: null` removes the address;
 * `status` suspends or unsuspends).
 */
export function updateIdentity(realmId: string, identityId: string, body: UpdateIdentityRequest): Promise<IdentityDetail> {
  return consoleRequest(consolePath('updateIdentity', { realm_id: realmId, identity_id: identityId }), {
    method: 'PATCH',
    body,
    validate: identityDetail,
  });
}

/** `updateIdentity` as a mutation: the answer is the new identity; the lists refetch. */
export function useUpdateIdentity(realmId: string, identityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateIdentityRequest) => updateIdentity(realmId, identityId, body),
    onSuccess: (identity) => {
      queryClient.setQueryData(identityQueryOptions(realmId, identityId).queryKey, identity);
      return queryClient.invalidateQueries({ queryKey: consoleKeys.identityLists(realmId) });
    },
  });
}
