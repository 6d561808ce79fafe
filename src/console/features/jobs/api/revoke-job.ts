import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath, jobRow, type JobRow } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';
import { invalidateEnrollment } from '../invalidate-enrollment';

/**
 * `POST …/jobs/:job/revoke`: the binding link stops working.
 *
 * @throws {ConsoleApiError} `conflict` once the job is COMPLETE or EXPIRED.
 */
export function revokeJob(realmId: string, identityId: string, jobId: string): Promise<JobRow> {
  return consoleRequest(consolePath('revokeJob', { realm_id: realmId, identity_id: identityId, job_id: jobId }), {
    method: 'POST',
    validate: jobRow,
  });
}

/**
 * `revokeJob` as a mutation; the identity's jobs refetch (a live view of that job included), and
 * the identity, here and in the lists: its enrollment status is derived from its jobs.
 */
export function useRevokeJob(realmId: string, identityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (jobId: string) => revokeJob(realmId, identityId, jobId),
    onSuccess: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: consoleKeys.jobs(realmId, identityId) }), invalidateEnrollment(queryClient, realmId, identityId)]),
  });
}
