import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, listJobsResponse, type JobRow } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `GET …/identities/:id/jobs`: the identity's binding jobs, newest first (at most 100). */
export async function listJobs(realmId: string, identityId: string, options: { signal?: AbortSignal } = {}): Promise<JobRow[]> {
  const body = await consoleRequest(consolePath('listJobs', { realm_id: realmId, identity_id: identityId }), {
    validate: listJobsResponse,
    signal: options.signal,
  });
  return body.jobs;
}

export function jobsQueryOptions(realmId: string, identityId: string) {
  return queryOptions({
    queryKey: consoleKeys.jobList(realmId, identityId),
    queryFn: ({ signal }) => listJobs(realmId, identityId, { signal }),
  });
}

export function useJobs(realmId: string, identityId: string) {
  return useQuery(jobsQueryOptions(realmId, identityId));
}
