import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, sessionResponse, type SessionResponse } from '../../../../../contracts/console-api';
import { isConsoleApiError } from '../../../lib/console-error';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';
import { adoptSessionRealm } from '../../../lib/realm';
import { setCsrfToken } from '../../../lib/session-store';

/** Remembers what requests need from a session (its CSRF token, its realm). */
export function adoptSession(session: SessionResponse | null): void {
  setCsrfToken(session?.csrf_token ?? null);
  if (session) adoptSessionRealm(session);
}

/**
 * `GET /console/api/session`: who is signed in, with the CSRF token for changes.
 *
 * @returns the session, or `null` when no one is signed in (401).
 * @throws {ConsoleApiError} for any other failure.
 */
export async function getSession(options: { signal?: AbortSignal } = {}): Promise<SessionResponse | null> {
  try {
    const session = await consoleRequest(consolePath('getSession'), {
      validate: sessionResponse,
      signal: options.signal,
      // Being signed out is this call's normal answer, not a lost session.
      unauthorized: 'ignore',
    });
    adoptSession(session);
    return session;
  } catch (error) {
    if (isConsoleApiError(error, 'unauthorized')) {
      adoptSession(null);
      return null;
    }
    throw error;
  }
}

/** Query options of the session. It is read once per page and replaced on sign-in and sign-out. */
export function sessionQueryOptions() {
  return queryOptions({
    queryKey: consoleKeys.session(),
    queryFn: ({ signal }) => getSession({ signal }),
    staleTime: Infinity,
  });
}

/** The signed-in admin's session (`null` when signed out). */
export function useSession() {
  return useQuery(sessionQueryOptions());
}
