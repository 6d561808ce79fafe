import { queryOptions, useQuery } from '@tanstack/react-query';
import { bindingLinkCurlResponse, consolePath, type BindingLinkCurlResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/**
 * "Generate curl for link from the API": `GET …/identities/:id/binding-link-curl?application_id=`,
 * the Management API call that creates a RETURN job, built by the cloud with the real URL and ids
 * and placeholders (`$API_TOKEN`, …) where secrets go. It creates nothing.
 */
export function getBindingLinkCurl(
  realmId: string,
  identityId: string,
  applicationId: string,
  options: { signal?: AbortSignal } = {},
): Promise<BindingLinkCurlResponse> {
  return consoleRequest(
    consolePath('bindingLinkCurl', { realm_id: realmId, identity_id: identityId }, { application_id: applicationId }),
    { validate: bindingLinkCurlResponse, signal: options.signal },
  );
}

export function bindingLinkCurlQueryOptions(realmId: string, identityId: string, applicationId: string) {
  return queryOptions({
    queryKey: consoleKeys.bindingLinkCurl(realmId, identityId, applicationId),
    queryFn: ({ signal }) => getBindingLinkCurl(realmId, identityId, applicationId, { signal }),
    staleTime: Infinity,
  });
}

/** The curl lines, fetched once `applicationId` is set. */
export function useBindingLinkCurl(realmId: string, identityId: string, applicationId: string | null) {
  return useQuery({ ...bindingLinkCurlQueryOptions(realmId, identityId, applicationId ?? ''), enabled: applicationId !== null });
}
