import { useMutation, useQueryClient } from '@tanstack/react-query';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { meKeys } from './get-me';

/**
 * `POST /api/logout`: ends the session (the same as the backend's `POST /auth/logout`, which is
 * meant for forms and full page navigations). The answer's body is not used.
 */
export function logout(): Promise<void> {
  return request(paths.api.logout, { method: 'POST' });
}

/**
 * Sign-out as a mutation. On success the session query holds `null` at once (signed out) and is
 * then read again from the backend, which has the last word.
 */
export function useLogout(options: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      queryClient.setQueryData(meKeys.all(), null);
      options.onSuccess?.();
      return queryClient.invalidateQueries({ queryKey: meKeys.all() });
    },
  });
}
