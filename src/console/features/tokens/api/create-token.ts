import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath, createTokenResponse, type CreateTokenRequest, type CreateTokenResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/**
 * `POST …/tokens`: mints an API token for the Management API application. `access_token` is in
 * this answer only; the caller shows it once and keeps it nowhere (not in the query cache).
 */
export function createToken(realmId: string, body: CreateTokenRequest): Promise<CreateTokenResponse> {
  return consoleRequest(consolePath('createToken', { realm_id: realmId }), { method: 'POST', body, validate: createTokenResponse });
}

export function useCreateToken(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTokenRequest) => createToken(realmId, body),
    // The answer holds the token: once the page has taken it, nothing keeps it.
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: consoleKeys.tokens(realmId) }),
  });
}
