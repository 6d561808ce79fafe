import { useMutation, useQueryClient } from '@tanstack/react-query';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { meKeys } from './get-me';

/** `POST /api/logout`: ends the session. The answer's body is not used. */
export function logout(): Promise<void> {
  return request(paths.api.logout, { method: 'POST' });
}

/** Sign-out as a mutation; on success the session query holds `null` (signed out). */
export function useLogout(options: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      queryClient.setQueryData(meKeys.all(), null);
      options.onSuccess?.();
    },
  });
}
