import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `DELETE …/tokens/:id`: the token stops working at once. */
export function revokeToken(realmId: string, tokenId: string): Promise<void> {
  return consoleRequest(consolePath('revokeToken', { realm_id: realmId, token_id: tokenId }), { method: 'DELETE' });
}

export function useRevokeToken(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) => revokeToken(realmId, tokenId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: consoleKeys.tokens(realmId) }),
  });
}
