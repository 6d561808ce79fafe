import type { LoaderFunctionArgs } from 'react-router';
import { appConfigQueries } from '../../lib/app-config';
import { queryClient } from '../../lib/query-client';
import { parseBindLinkQuery } from '../../passkeys/bind-link';
import { meQueryOptions } from '../features/auth/api/get-me';
import { previewQueryOptions } from '../features/binding/api/preview-binding-link';
import { sdkQueryOptions } from '../features/passkeys/api/load-sdk';

/**
 * `/bind`'s loader, a lazy module of its own (React Router loads it alongside the page's
 * component) so the SDK wrapper stays out of the entry chunk. It starts the SDK download and
 * initialisation as the page opens, so "Create passkey" is ready fast; nothing binds here.
 * Not awaited: the page shows its own pending and error states.
 *
 * An email link carries what its preview needs in the query, so the preview is asked for here
 * too, beside the SDK. Asked by the page instead, it waited for the page's first render, which
 * comes only after the SDK's script and `initialize()` have had the main thread: the preview's
 * round trip then came last, after the SDK was ready (`npm run bench:trace`). A preview never
 * uses the link up. A RETURN link is not known yet here; its page asks once it has one.
 */
export function bindLoader({ request }: Pick<LoaderFunctionArgs, 'request'>) {
  void queryClient.prefetchQuery(meQueryOptions());
  void queryClient.prefetchQuery(appConfigQueries.detail());
  void queryClient.prefetchQuery(sdkQueryOptions());
  const emailLink = parseBindLinkQuery(new URL(request.url).search);
  if (emailLink) void queryClient.prefetchQuery(previewQueryOptions(emailLink));
  return null;
}
