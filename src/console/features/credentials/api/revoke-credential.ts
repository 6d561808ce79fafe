import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath, credentialRow, type CredentialRow } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `POST …/credentials/:id/revoke`: the passkey holding it stops working everywhere (revoking twice is fine). */
export function revokeCredential(realmId: string, identityId: string, credentialId: string): Promise<CredentialRow> {
  return consoleRequest(
    consolePath('revokeCredential', { realm_id: realmId, identity_id: identityId, credential_id: credentialId }),
    { method: 'POST', validate: credentialRow },
  );
}

/**
 * `revokeCredential` as a mutation. The identity refetches too: "passkey bound" follows its
 * ACTIVE credentials, in the detail and in the lists.
 */
export function useRevokeCredential(realmId: string, identityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentialId: string) => revokeCredential(realmId, identityId, credentialId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: consoleKeys.identity(realmId, identityId) }),
        queryClient.invalidateQueries({ queryKey: consoleKeys.identityLists(realmId) }),
      ]),
  });
}
