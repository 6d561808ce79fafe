import { appConfigQueries } from '../../lib/app-config';
import { queryClient } from '../../lib/query-client';
import { meQueryOptions } from '../features/auth/api/get-me';
import { sdkQueryOptions } from '../features/passkeys/api/load-sdk';

/**
 * `/bind`'s loader, a lazy module of its own (React Router loads it alongside the page's
 * component) so the SDK wrapper stays out of the entry chunk. It starts the SDK download and
 * initialisation as the page opens, so "Create passkey" is ready fast; nothing binds here.
 * Not awaited: the page shows its own pending and error states.
 */
export function bindLoader() {
  void queryClient.prefetchQuery(meQueryOptions());
  void queryClient.prefetchQuery(appConfigQueries.detail());
  void queryClient.prefetchQuery(sdkQueryOptions());
  return null;
}
