import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  authenticatorConfigResponse,
  consolePath,
  type AuthenticatorConfigResponse,
  type CreateAuthenticatorConfigRequest,
} from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `POST …/authenticator-configs` (Beyond Identity's CreateAuthenticatorConfig body). */
export function createAuthenticatorConfig(realmId: string, body: CreateAuthenticatorConfigRequest): Promise<AuthenticatorConfigResponse> {
  return consoleRequest(consolePath('createAuthenticatorConfig', { realm_id: realmId }), {
    method: 'POST',
    body,
    validate: authenticatorConfigResponse,
  });
}

/** `createAuthenticatorConfig` as a mutation; applications show their config, so they refetch too. */
export function useCreateAuthenticatorConfig(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateAuthenticatorConfigRequest) => createAuthenticatorConfig(realmId, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: consoleKeys.authenticatorConfigs(realmId) }),
        queryClient.invalidateQueries({ queryKey: consoleKeys.applications(realmId) }),
      ]),
  });
}
