import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, listAuthenticatorConfigsResponse, type AuthenticatorConfigResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `GET …/authenticator-configs`: the realm's authenticator configs (embedded: Invoke URL; hosted_web). */
export async function listAuthenticatorConfigs(realmId: string, options: { signal?: AbortSignal } = {}): Promise<AuthenticatorConfigResponse[]> {
  const body = await consoleRequest(consolePath('listAuthenticatorConfigs', { realm_id: realmId }), {
    validate: listAuthenticatorConfigsResponse,
    signal: options.signal,
  });
  return body.authenticator_configs;
}

export function authenticatorConfigsQueryOptions(realmId: string) {
  return queryOptions({
    queryKey: consoleKeys.authenticatorConfigs(realmId),
    queryFn: ({ signal }) => listAuthenticatorConfigs(realmId, { signal }),
  });
}

export function useAuthenticatorConfigs(realmId: string) {
  return useQuery(authenticatorConfigsQueryOptions(realmId));
}
