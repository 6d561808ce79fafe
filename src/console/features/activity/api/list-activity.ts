import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { activityResponse, consolePath, type ActivityResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

export const ACTIVITY_PAGE_SIZE = 50;

/** `GET …/activity`: one page of the audit log, newest first; `before` is the previous page's `next_before`. */
export function listActivity(
  realmId: string,
  query: { identityId?: string | undefined; before?: number | undefined },
  options: { signal?: AbortSignal } = {},
): Promise<ActivityResponse> {
  const url = consolePath('listActivity', { realm_id: realmId }, {
    identity_id: query.identityId,
    before: query.before,
    page_size: ACTIVITY_PAGE_SIZE,
  });
  return consoleRequest(url, { validate: activityResponse, signal: options.signal });
}

export function activityQueryOptions(realmId: string, identityId: string | undefined) {
  return infiniteQueryOptions({
    queryKey: consoleKeys.activity(realmId, identityId),
    queryFn: ({ signal, pageParam }) => listActivity(realmId, { identityId, before: pageParam }, { signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.next_before ?? undefined,
  });
}

/** The audit log, a page at a time ("Load more" fetches the next, older one). */
export function useActivity(realmId: string, identityId: string | undefined) {
  return useInfiniteQuery(activityQueryOptions(realmId, identityId));
}
