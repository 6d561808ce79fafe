import { queryOptions, useQuery } from '@tanstack/react-query';
import { getPasskeys } from '../../../../passkeys/get-passkeys';
import type { Passkey } from '../../../../passkeys/types';
import { passkeyKeys } from './passkey-keys';

export type { Passkey };

/** Query options for the passkeys in this browser. */
export function localPasskeysQueryOptions() {
  return queryOptions({
    queryKey: passkeyKeys.list(),
    queryFn: () => getPasskeys(),
    // Local reads: a failure (no IndexedDB, a broken SDK) will not heal by retrying.
    retry: false,
  });
}

/** The passkeys in this browser (only read when `enabled`, e.g. the browser can hold them). */
export function useLocalPasskeys(options: { enabled: boolean }) {
  return useQuery({ ...localPasskeysQueryOptions(), enabled: options.enabled });
}
