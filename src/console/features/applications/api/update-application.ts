import { useMutation, useQueryClient } from '@tanstack/react-query';
import { applicationResponse, consolePath, type ApplicationResponse, type UpdateApplicationRequest } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `PATCH …/applications/:id` (`protocol_config` is merged key by key). */
export function updateApplication(realmId: string, applicationId: string, body: UpdateApplicationRequest): Promise<ApplicationResponse> {
  return consoleRequest(consolePath('updateApplication', { realm_id: realmId, application_id: applicationId }), {
    method: 'PATCH',
    body,
    validate: applicationResponse,
  });
}

export function useUpdateApplication(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ applicationId, body }: { applicationId: string; body: UpdateApplicationRequest }) => updateApplication(realmId, applicationId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: consoleKeys.applications(realmId) }),
  });
}
