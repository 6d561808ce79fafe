import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, listTokensResponse, type ListTokensResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** The most a page holds. */
const PAGE_SIZE = 100;

/**
 * `GET …/tokens`: the live API tokens of the realm's Management API application, with the scopes
 * and the longest lifetime a new one may have. Never the tokens themselves (the cloud keeps hashes).
 * Every page is read: the list is oldest first, and live tokens pile up (each start of the app
 * backend mints one that lives 90 days), so a first page alone would hide the newest ones, the
 * ones an admin came to see or revoke.
 */
export async function listTokens(realmId: string, options: { signal?: AbortSignal } = {}): Promise<ListTokensResponse> {
  const read = (pageToken?: string) =>
    consoleRequest(consolePath('listTokens', { realm_id: realmId }, { page_size: PAGE_SIZE, ...(pageToken ? { page_token: pageToken } : {}) }), {
      validate: listTokensResponse,
      signal: options.signal,
    });
  const first = await read();
  const tokens = [...first.tokens];
  for (let next = first.next_page_token; next; ) {
    const page = await read(next);
    tokens.push(...page.tokens);
    next = page.next_page_token;
  }
  const { next_page_token: _, ...rest } = first;
  return { ...rest, tokens };
}

export function tokensQueryOptions(realmId: string) {
  return queryOptions({
    queryKey: consoleKeys.tokens(realmId),
    queryFn: ({ signal }) => listTokens(realmId, { signal }),
  });
}

export function useTokens(realmId: string) {
  return useQuery(tokensQueryOptions(realmId));
}
