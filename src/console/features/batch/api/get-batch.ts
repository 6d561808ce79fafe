import { queryOptions, useQuery } from '@tanstack/react-query';
import { batchResponse, consolePath, type BatchResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** How often a batch with pending jobs is read again. */
export const BATCH_REFRESH_MS = 3000;

/** `GET …/batch-jobs/:id`: the batch with one result per identity and the jobs' current states. */
export function getBatch(realmId: string, batchId: string, options: { signal?: AbortSignal } = {}): Promise<BatchResponse> {
  return consoleRequest(consolePath('getBatch', { realm_id: realmId, batch_id: batchId }), { validate: batchResponse, signal: options.signal });
}

export function batchQueryOptions(realmId: string, batchId: string) {
  return queryOptions({
    queryKey: consoleKeys.batch(realmId, batchId),
    queryFn: ({ signal }) => getBatch(realmId, batchId, { signal }),
    // Refreshes until no job is pending (every job is COMPLETE, FAILED_TO_SEND, REVOKED or EXPIRED).
    refetchInterval: (query) => (query.state.data && query.state.data.counts.pending === 0 ? false : BATCH_REFRESH_MS),
  });
}

export function useBatch(realmId: string, batchId: string) {
  return useQuery(batchQueryOptions(realmId, batchId));
}
