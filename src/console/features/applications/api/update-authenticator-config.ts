import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  authenticatorConfigResponse,
  consolePath,
  type AuthenticatorConfigResponse,
  type UpdateAuthenticatorConfigRequest,
} from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `PATCH …/authenticator-configs/:id` (a given `config` replaces the old one whole). */
export function updateAuthenticatorConfig(
  realmId: string,
  configId: string,
  body: UpdateAuthenticatorConfigRequest,
): Promise<AuthenticatorConfigResponse> {
  return consoleRequest(consolePath('updateAuthenticatorConfig', { realm_id: realmId, authenticator_config_id: configId }), {
    method: 'PATCH',
    body,
    validate: authenticatorConfigResponse,
  });
}

export function useUpdateAuthenticatorConfig(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ configId, body }: { configId: string; body: UpdateAuthenticatorConfigRequest }) =>
      updateAuthenticatorConfig(realmId, configId, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: consoleKeys.authenticatorConfigs(realmId) }),
        queryClient.invalidateQueries({ queryKey: consoleKeys.applications(realmId) }),
      ]),
  });
}
