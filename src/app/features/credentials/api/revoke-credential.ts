import { useMutation, useQueryClient } from '@tanstack/react-query';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { credentialKeys } from './credential-keys';

/**
 * `POST /api/me/credentials/:id/revoke`: revokes one of the signed-in person's credentials at
 * the cloud; the passkey holding it stops working on every device. The answer's body is not used.
 */
export function revokeCredential(id: string): Promise<void> {
  return request(paths.api.revokeMyCredential(id), { method: 'POST' });
}

/** `revokeCredential` as a mutation; refreshes the credential list. */
export function useRevokeCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeCredential,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialKeys.list() }),
  });
}
