import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath, sessionResponse, type SessionResponse, type SignInRequest } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';
import { adoptSession } from './get-session';

/**
 * `POST /console/api/session`: signs in (the cloud sets the httpOnly session cookie).
 *
 * @throws {ConsoleApiError} `invalid_credentials` (401, never says which field was wrong),
 *   `too_many_requests` (429, with `retryAfterSeconds`), `bad_request`, …
 */
export async function signIn(body: SignInRequest): Promise<SessionResponse> {
  const session = await consoleRequest(consolePath('signIn'), {
    method: 'POST',
    body,
    validate: sessionResponse,
    unauthorized: 'ignore',
  });
  adoptSession(session);
  return session;
}

/** `signIn` as a mutation: the new session replaces whatever the cache held (another admin's data included). */
export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signIn,
    onSuccess: (session) => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== consoleKeys.session()[0] });
      queryClient.setQueryData(consoleKeys.session(), session);
    },
  });
}
