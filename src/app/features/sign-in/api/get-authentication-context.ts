import { queryOptions, useQuery } from '@tanstack/react-query';
import { getAuthenticationContext } from '../../../../passkeys/get-authentication-context';
import type { AuthenticationContext } from '../../../../passkeys/types';
import { signInKeys } from './sign-in-keys';

export type { AuthenticationContext };

/**
 * Query options for reading a sign-in request with the SDK. Reading uses nothing up, but the
 * answer does not change either: never refetched by itself, and not retried (an expired or
 * forged request stays so; a network failure gets a Retry button).
 */
export function authenticationContextQueryOptions(url: string) {
  return queryOptions({
    queryKey: signInKeys.context(url),
    queryFn: () => getAuthenticationContext(url),
    staleTime: Infinity,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

/** The sign-in request in `url`, as the SDK reads it (only when `enabled`). */
export function useAuthenticationContext(url: string, options: { enabled: boolean }) {
  return useQuery({ ...authenticationContextQueryOptions(url), enabled: options.enabled });
}
