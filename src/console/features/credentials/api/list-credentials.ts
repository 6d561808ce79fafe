import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { consolePath, listCredentialsResponse, type ListCredentialsResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** The most a page holds (the console API's maximum). */
export const CREDENTIALS_PAGE_SIZE = 100;

/**
 * `GET …/identities/:id/credentials`: one page of the identity's credentials, newest first;
 * `pageToken` is the previous page's `next_page_token` (the next, older page).
 */
export function listCredentials(
  realmId: string,
  identityId: string,
  query: { pageToken?: string | undefined } = {},
  options: { signal?: AbortSignal } = {},
): Promise<ListCredentialsResponse> {
  const url = consolePath('listCredentials', { realm_id: realmId, identity_id: identityId }, {
    page_size: CREDENTIALS_PAGE_SIZE,
    page_token: query.pageToken,
  });
  return consoleRequest(url, { validate: listCredentialsResponse, signal: options.signal });
}

/**
 * Page by page rather than every page at once (as the tokens list does): newest first, the
 * first page already holds the credentials an admin came for, and an identity may have
 * thousands of revoked ones that nobody needs to download to see the latest.
 */
export function credentialsQueryOptions(realmId: string, identityId: string) {
  return infiniteQueryOptions({
    queryKey: consoleKeys.credentials(realmId, identityId),
    queryFn: ({ signal, pageParam }) => listCredentials(realmId, identityId, { pageToken: pageParam }, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_page_token,
  });
}

/** The identity's credentials, a page at a time ("Show more" fetches the next, older one). */
export function useCredentials(realmId: string, identityId: string) {
  return useInfiniteQuery(credentialsQueryOptions(realmId, identityId));
}
