import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath } from '../../../../../contracts/console-api';
import { isConsoleApiError } from '../../../lib/console-error';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';
import { adoptSession } from './get-session';

/**
 * `DELETE /console/api/session`: ends the session on the cloud (the cookie is cleared). A 401
 * means it had ended already, which is what the admin wanted.
 */
export async function signOut(): Promise<void> {
  try {
    await consoleRequest(consolePath('signOut'), { method: 'DELETE', unauthorized: 'ignore' });
  } catch (error) {
    if (!isConsoleApiError(error, 'unauthorized')) throw error;
  }
}

/**
 * `signOut` as a mutation: the console then forgets the session and every cached answer. Any other
 * failure (the cloud unreachable) leaves the session as it is, and says so: the cookie still works.
 */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signOut,
    onSuccess: () => {
      adoptSession(null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== consoleKeys.session()[0] });
      queryClient.setQueryData(consoleKeys.session(), null);
    },
  });
}
