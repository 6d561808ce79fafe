import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath, identityDetail, type CreateIdentityRequest, type IdentityDetail } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/**
 * `POST …/identities`.
 *
 * @throws {ConsoleApiError} `conflict` when the username is taken (any case), `bad_request` with `fields`.
 */
export function createIdentity(realmId: string, body: CreateIdentityRequest): Promise<IdentityDetail> {
  return consoleRequest(consolePath('createIdentity', { realm_id: realmId }), { method: 'POST', body, validate: identityDetail });
}

/** `createIdentity` as a mutation; the lists refetch (the new identity may sort anywhere). */
export function useCreateIdentity(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateIdentityRequest) => createIdentity(realmId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: consoleKeys.identityLists(realmId) }),
  });
}
