import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, identityDetail, type IdentityDetail } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `GET …/identities/:id`: the identity with all its traits. */
export function getIdentity(realmId: string, identityId: string, options: { signal?: AbortSignal } = {}): Promise<IdentityDetail> {
  return consoleRequest(consolePath('getIdentity', { realm_id: realmId, identity_id: identityId }), {
    validate: identityDetail,
    signal: options.signal,
  });
}

export function identityQueryOptions(realmId: string, identityId: string) {
  return queryOptions({
    queryKey: consoleKeys.identitySelf(realmId, identityId),
    queryFn: ({ signal }) => getIdentity(realmId, identityId, { signal }),
  });
}

export function useIdentity(realmId: string, identityId: string) {
  return useQuery(identityQueryOptions(realmId, identityId));
}
