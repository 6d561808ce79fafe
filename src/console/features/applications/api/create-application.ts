import { useMutation, useQueryClient } from '@tanstack/react-query';
import { applicationResponse, consolePath, type ApplicationResponse, type CreateApplicationRequest } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/**
 * `POST …/applications` (Beyond Identity's CreateApplication body). The answer of a confidential
 * client holds its `client_secret`, the only time the cloud shows it.
 */
export function createApplication(realmId: string, body: CreateApplicationRequest): Promise<ApplicationResponse> {
  return consoleRequest(consolePath('createApplication', { realm_id: realmId }), { method: 'POST', body, validate: applicationResponse });
}

export function useCreateApplication(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateApplicationRequest) => createApplication(realmId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: consoleKeys.applications(realmId) }),
  });
}
