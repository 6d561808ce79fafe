import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, listIdentitiesResponse, type ListIdentitiesResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

export const IDENTITIES_PAGE_SIZE = 20;

export interface IdentitiesQuery {
  /** Case-insensitive substring of username, display name or email ('' for all). */
  q: string;
  /** `next_page_token` of the previous page (with the same `q`). */
  pageToken: string | undefined;
}

/** `GET …/identities?q=&page_size=&page_token=`: one page of the realm's identities. */
export function listIdentities(realmId: string, query: IdentitiesQuery, options: { signal?: AbortSignal } = {}): Promise<ListIdentitiesResponse> {
  const url = consolePath('listIdentities', { realm_id: realmId }, { q: query.q, page_size: IDENTITIES_PAGE_SIZE, page_token: query.pageToken });
  return consoleRequest(url, { validate: listIdentitiesResponse, signal: options.signal });
}

export function identitiesQueryOptions(realmId: string, query: IdentitiesQuery) {
  return queryOptions({
    queryKey: consoleKeys.identityList(realmId, query),
    queryFn: ({ signal }) => listIdentities(realmId, query, { signal }),
  });
}

/** A page of identities; while another search or page loads, the previous rows stay on screen. */
export function useIdentities(realmId: string, query: IdentitiesQuery) {
  return useQuery({ ...identitiesQueryOptions(realmId, query), placeholderData: keepPreviousData });
}
