import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, listApplicationsResponse, type ConsoleApplication } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `GET …/applications`: the realm's applications, each with its authenticator config and whether it can bind passkeys. */
export async function listApplications(realmId: string, options: { signal?: AbortSignal } = {}): Promise<ConsoleApplication[]> {
  const body = await consoleRequest(consolePath('listApplications', { realm_id: realmId }), {
    validate: listApplicationsResponse,
    signal: options.signal,
  });
  return body.applications;
}

export function applicationsQueryOptions(realmId: string) {
  return queryOptions({
    queryKey: consoleKeys.applications(realmId),
    queryFn: ({ signal }) => listApplications(realmId, { signal }),
  });
}

export function useApplications(realmId: string) {
  return useQuery(applicationsQueryOptions(realmId));
}
