import { queryOptions, useQuery } from '@tanstack/react-query';
import { credentialsResponse, type CredentialSummary } from '../../../../../contracts/app-api';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { credentialKeys } from './credential-keys';

export type { CredentialSummary };


/** `GET /api/me/credentials`: the signed-in person's credentials at the cloud. */
export async function listCredentials(options: { signal?: AbortSignal } = {}): Promise<CredentialSummary[]> {
  const body = await request(paths.api.myCredentials, {
    validate: credentialsResponse,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return body.credentials;
}

/** Query options for the credential list. */
export function credentialsQueryOptions() {
  return queryOptions({
    queryKey: credentialKeys.list(),
    queryFn: ({ signal }) => listCredentials({ signal }),
  });
}

/** The signed-in person's cloud credentials (only fetched when `enabled`, i.e. signed in). */
export function useCredentials(options: { enabled: boolean }) {
  return useQuery({ ...credentialsQueryOptions(), enabled: options.enabled });
}
