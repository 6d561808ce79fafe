import { useMutation, useQueryClient } from '@tanstack/react-query';
import { consolePath, createEmailJobResponse, type JobRow } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';
import { jobQueryOptions } from './get-job';
import { invalidateEnrollment } from '../invalidate-enrollment';

/**
 * "Proceed & send email": `POST …/identities/:id/jobs` creates an EMAIL binding job with the
 * application's authenticator config; the cloud queues the email in the same transaction.
 *
 * @throws {ConsoleApiError} `unprocessable_entity` when the identity has no email address or the
 *   application cannot bind (no embedded authenticator config).
 */
export async function createEmailJob(realmId: string, identityId: string, applicationId: string): Promise<JobRow> {
  const body = await consoleRequest(consolePath('createEmailJob', { realm_id: realmId, identity_id: identityId }), {
    method: 'POST',
    body: { application_id: applicationId },
    validate: createEmailJobResponse,
  });
  return body.job;
}

/**
 * `createEmailJob` as a mutation: the job is cached for its live view; the job list and the
 * identity (whose enrollment status its jobs decide: now PENDING) refetch, here and in the lists.
 */
export function useCreateEmailJob(realmId: string, identityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (applicationId: string) => createEmailJob(realmId, identityId, applicationId),
    onSuccess: (job) => {
      queryClient.setQueryData(jobQueryOptions(realmId, identityId, job.id).queryKey, job);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: consoleKeys.jobList(realmId, identityId) }),
        invalidateEnrollment(queryClient, realmId, identityId),
      ]);
    },
  });
}
