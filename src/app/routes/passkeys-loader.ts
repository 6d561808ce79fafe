import { queryClient } from '../../lib/query-client';
import { missingCapabilities } from '../../passkeys/browser-support';
import { meQueryOptions } from '../features/auth/api/get-me';
import { localPasskeysQueryOptions } from '../features/passkeys/api/list-passkeys';

/**
 * `/passkeys`' loader, a lazy module of its own (see bind-loader.ts): starts reading the
 * passkeys of this browser (which loads the SDK) and the session. Not awaited.
 */
export function passkeysLoader() {
  void queryClient.prefetchQuery(meQueryOptions());
  if (missingCapabilities().length === 0) void queryClient.prefetchQuery(localPasskeysQueryOptions());
  return null;
}
