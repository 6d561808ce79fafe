import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath, themeResponse, type ThemeResponse, type UpdateThemeRequest } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `PATCH …/theme`: updates the realm's theme (creating it on the first save). */
export function updateTheme(realmId: string, body: UpdateThemeRequest): Promise<ThemeResponse> {
  return consoleRequest(consolePath('updateTheme', { realm_id: realmId }), { method: 'PATCH', body, validate: themeResponse });
}

export function useUpdateTheme(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateThemeRequest) => updateTheme(realmId, body),
    onSuccess: (theme) => queryClient.setQueryData(consoleKeys.theme(realmId), theme),
  });
}
