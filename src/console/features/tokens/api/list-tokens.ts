import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, listTokensResponse, type ListTokensResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/**
 * `GET …/tokens`: the live API tokens of the realm's Management API application, with the scopes
 * and the longest lifetime a new one may have. Never the tokens themselves (the cloud keeps hashes).
 */
export function listTokens(realmId: string, options: { signal?: AbortSignal } = {}): Promise<ListTokensResponse> {
  // 100 is the most a page holds; a realm with more live tokens than that has bigger problems.
  return consoleRequest(consolePath('listTokens', { realm_id: realmId }, { page_size: 100 }), {
    validate: listTokensResponse,
    signal: options.signal,
  });
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
