import { queryOptions, useQuery } from '@tanstack/react-query';
import { healthSchema, type Health } from '../../contracts/health';
import { getJson } from './get-json';
import { paths } from './paths';

export type { Health };

/** Fetches the backend's health report. */
export function getHealth(options: { signal?: AbortSignal } = {}): Promise<Health> {
  return getJson(paths.api.health, healthSchema, options);
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
