import { useMutation, useQueryClient } from '@tanstack/react-query';
import { batchResponse, consolePath, type BatchResponse, type CreateBatchRequest } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/**
 * "Send passkey emails": `POST …/batch-jobs`, one EMAIL binding job per identity (those without an
 * email address get an error in the results instead).
 */
export function createBatch(realmId: string, body: CreateBatchRequest): Promise<BatchResponse> {
  return consoleRequest(consolePath('createBatch', { realm_id: realmId }), { method: 'POST', body, validate: batchResponse });
}

/** `createBatch` as a mutation; the answer seeds the batch page, whose identities now have jobs. */
export function useCreateBatch(realmId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateBatchRequest) => createBatch(realmId, body),
    onSuccess: (batch, body) => {
      queryClient.setQueryData(consoleKeys.batch(realmId, batch.batch.id), batch);
      for (const identityId of body.identity_ids) void queryClient.invalidateQueries({ queryKey: consoleKeys.jobs(realmId, identityId) });
    },
  });
}
