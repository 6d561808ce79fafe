import { useMutation, useQueryClient } from '@tanstack/react-query';
import { deletePasskey } from '../../../../passkeys/delete-passkey';
import { passkeyKeys } from './passkey-keys';

/** Deleting a passkey from this browser (local only) as a mutation; refreshes the local list. */
export function useDeletePasskey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deletePasskey(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: passkeyKeys.list() }),
  });
}
