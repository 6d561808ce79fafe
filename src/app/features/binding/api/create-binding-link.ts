import { queryOptions, useQuery, type QueryClient } from '@tanstack/react-query';
import { bindingLinkResponse, type BindingLinkResponse, type MeResponse } from '../../../../../contracts/app-api';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { bindingLinkKeys } from './binding-link-keys';

export type { BindingLinkResponse };

/**
 * A RETURN link held in memory. Sign-up's link also says whose passkey it creates: sign-up starts
 * no session, so the backend cannot preview that link as "the signed-in person's own".
 */
export interface ReturnBindingLink extends BindingLinkResponse {
  /** The person sign-up created, when the link came from sign-up. */
  identity?: MeResponse;
}

/**
 * `POST /api/me/binding-link`: a new RETURN binding link for the signed-in person.
 *
 * @param next a validated same-origin path for the cloud's `post_binding_redirect_uri`.
 * @throws {ApiError} `unauthenticated` when signed out, `cloud_unreachable`…
 */
export function createBindingLink(next: string | null): Promise<BindingLinkResponse> {
  return request(paths.api.myBindingLink, {
    method: 'POST',
    body: next ? { post_binding_redirect_path: next } : {},
    validate: bindingLinkResponse,
  });
}

/**
 * The RETURN link, held only in the query cache (memory): never in the URL, history state or
 * storage. Modelled as a query rather than a mutation so that a StrictMode double mount and
 * every component on the page share ONE link instead of creating a binding job each.
 *
 * It is never refetched by itself (each fetch creates a job at the cloud) and the fetch takes
 * no abort signal, so an unmount mid-request does not cancel it and start a second one.
 */
export function returnBindingLinkQueryOptions(next: string | null) {
  return queryOptions({
    queryKey: bindingLinkKeys.return(next),
    queryFn: (): Promise<ReturnBindingLink> => createBindingLink(next),
    staleTime: Infinity,
    gcTime: 30 * 60_000,
    retry: false,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

/**
 * The signed-in person's RETURN link (created on first use when `enabled`). A link already in
 * memory (sign-up's) is answered even when not enabled, e.g. signed out.
 */
export function useReturnBindingLink(next: string | null, options: { enabled: boolean }) {
  return useQuery({ ...returnBindingLinkQueryOptions(next), enabled: options.enabled });
}

/**
 * Keeps sign-up's first RETURN link in memory for `/bind` (no query string involved), with the
 * person it is for.
 */
export function storeReturnBindingLink(queryClient: QueryClient, link: BindingLinkResponse, identity?: MeResponse): void {
  const value: ReturnBindingLink = identity ? { ...link, identity } : link;
  queryClient.setQueryData(returnBindingLinkQueryOptions(null).queryKey, value);
}
