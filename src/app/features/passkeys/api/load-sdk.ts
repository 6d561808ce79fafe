import { queryOptions, useQuery } from '@tanstack/react-query';
import { preloadEmbedded } from '../../../../passkeys/embedded';
import { passkeyKeys } from './passkey-keys';

/**
 * Whether the SDK is loaded and initialised, as a query so pages can start it early (a route
 * loader) and show its state. The SDK keeps its own singleton; this only observes it.
 */
export function sdkQueryOptions() {
  return queryOptions({
    queryKey: passkeyKeys.sdk(),
    queryFn: async () => {
      await preloadEmbedded();
      return true as const;
    },
    staleTime: Infinity,
    gcTime: Infinity,
    // A failed start is not retried automatically (see getEmbedded); the page offers Retry.
    retry: false,
  });
}

/** The SDK's readiness: `isSuccess` once "Create passkey" can run without waiting. */
export function useSdk() {
  return useQuery(sdkQueryOptions());
}
