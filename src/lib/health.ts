import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Health } from '../../contracts/health';
import { getJson } from './get-json';
import { paths } from './paths';
import { guard, isRecord } from './validate';

export type { Health };

/** `contracts/health.ts`, checked by hand: the home page loads this eagerly and zod is not in the shell. */
const healthGuard = guard(
  'a health report',
  (value): value is Health =>
    isRecord(value) && value.ok === true && isRecord(value.cloud) && typeof value.cloud.api_base_url === 'string',
);

/** Fetches the backend's health report. */
export function getHealth(options: { signal?: AbortSignal } = {}): Promise<Health> {
  return getJson(paths.api.health, healthGuard, options);
}

/** Query keys and options for the health report. */
export const healthQueries = {
  all: () => ['health'] as const,
  status: () =>
    queryOptions({
      queryKey: [...healthQueries.all(), 'status'] as const,
      queryFn: ({ signal }) => getHealth({ signal }),
    }),
};

/** The backend's health report, fetched and cached by TanStack Query. */
export function useHealthStatus() {
  return useQuery(healthQueries.status());
}
