import { appConfigQueries } from '../../lib/app-config';
import { queryClient } from '../../lib/query-client';
import { missingCapabilities } from '../../passkeys/browser-support';
import { localPasskeysQueryOptions } from '../features/passkeys/api/list-passkeys';

/**
 * `/bi-authenticate`'s loader, a lazy module of its own (see bind-loader.ts) so the SDK wrapper
 * stays out of the entry chunk: starts the app's realm (`/api/config`) and this browser's
 * passkeys (which loads and starts the SDK) as the page opens. Not awaited; the page shows its
 * own pending and error states. The sign-in request itself is read by the page.
 */
export function biAuthenticateLoader() {
  void queryClient.prefetchQuery(appConfigQueries.detail());
  if (missingCapabilities().length === 0) void queryClient.prefetchQuery(localPasskeysQueryOptions());
  return null;
}
