import { queryOptions, useQuery } from '@tanstack/react-query';
import type { MeResponse } from '../../../../../contracts/app-api';
import { ApiError } from '../../../../lib/api-error';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { guard, isOptionalString, isRecord } from '../../../../lib/validate';

export type Me = MeResponse;

/** Query keys of the session. `['me']` holds the signed-in person, or `null` when signed out. */
export const meKeys = {
  all: () => ['me'] as const,
};

/** `meResponse` of the contract, checked by hand: every page loads the session, zod stays lazy. */
const meGuard = guard(
  'the signed-in person',
  (value): value is Me =>
    isRecord(value) &&
    typeof value.identity_id === 'string' &&
    typeof value.username === 'string' &&
    typeof value.display_name === 'string' &&
    isOptionalString(value.email),
);

/**
 * `GET /api/me`: who is signed in.
 *
 * @returns the person, or `null` when signed out (401 `unauthenticated`).
 * @throws {ApiError} for any other failure.
 */
export async function getMe(options: { signal?: AbortSignal } = {}): Promise<Me | null> {
  try {
    return await request(paths.api.me, { validate: meGuard, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'unauthenticated') return null;
    throw error;
  }
}

/** Query options for the session. */
export function meQueryOptions() {
  return queryOptions({
    queryKey: meKeys.all(),
    queryFn: ({ signal }) => getMe({ signal }),
  });
}

/** The signed-in person (`null` when signed out). */
export function useMe() {
  return useQuery(meQueryOptions());
}
