import { queryOptions } from '@tanstack/react-query';
import { consolePath, jobRow, type JobRow } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `GET …/identities/:id/jobs/:job`: one binding job's current state (the polling fallback of the event stream). */
export function getJob(realmId: string, identityId: string, jobId: string, options: { signal?: AbortSignal } = {}): Promise<JobRow> {
  return consoleRequest(consolePath('getJob', { realm_id: realmId, identity_id: identityId, job_id: jobId }), {
    validate: jobRow,
    signal: options.signal,
  });
}

export function jobQueryOptions(realmId: string, identityId: string, jobId: string) {
  return queryOptions({
    queryKey: consoleKeys.job(realmId, identityId, jobId),
    queryFn: ({ signal }) => getJob(realmId, identityId, jobId, { signal }),
  });
}
