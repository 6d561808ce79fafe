import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, listCredentialsResponse, type CredentialRow } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `GET …/identities/:id/credentials`: the identity's credentials, newest first. */
export async function listCredentials(realmId: string, identityId: string, options: { signal?: AbortSignal } = {}): Promise<CredentialRow[]> {
  const body = await consoleRequest(consolePath('listCredentials', { realm_id: realmId, identity_id: identityId }), {
    validate: listCredentialsResponse,
    signal: options.signal,
  });
  return body.credentials;
}

export function credentialsQueryOptions(realmId: string, identityId: string) {
  return queryOptions({
    queryKey: consoleKeys.credentials(realmId, identityId),
    queryFn: ({ signal }) => listCredentials(realmId, identityId, { signal }),
  });
}

export function useCredentials(realmId: string, identityId: string) {
  return useQuery(credentialsQueryOptions(realmId, identityId));
}
