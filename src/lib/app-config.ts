import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AppConfigResponse } from '../../contracts/app-api';
import { request } from './request';
import { paths } from './paths';
import { guard, isRecord } from './validate';

export type AppConfig = AppConfigResponse;

/**
 * `appConfigResponse` of the contract, checked by hand (the home page loads this eagerly).
 *
 * Lives in src/lib rather than an app feature because src/passkeys needs `allowed_domains` to
 * initialise the SDK and may not import src/app (ESLint boundaries).
 */
const appConfigGuard = guard(
  'the app configuration',
  (value): value is AppConfig =>
    isRecord(value) &&
    Array.isArray(value.allowed_domains) &&
    value.allowed_domains.every((domain) => typeof domain === 'string') &&
    typeof value.sign_in === 'boolean' &&
    typeof value.tenant_id === 'string' &&
    typeof value.realm_id === 'string',
);

/**
 * `GET /api/config`: the Beyond Identity hosts the SDK may talk to, whether sign-in is on, and
 * the tenant and realm whose passkeys sign in to this app.
 */
export function getAppConfig(options: { signal?: AbortSignal } = {}): Promise<AppConfig> {
  return request(paths.api.config, { validate: appConfigGuard, ...(options.signal ? { signal: options.signal } : {}) });
}

/** Query keys and options for the app configuration. It does not change while a page lives. */
export const appConfigQueries = {
  all: () => ['app-config'] as const,
  detail: () =>
    queryOptions({
      queryKey: appConfigQueries.all(),
      queryFn: ({ signal }) => getAppConfig({ signal }),
      staleTime: Infinity,
    }),
};

/** The app configuration, fetched once per page. */
export function useAppConfig() {
  return useQuery(appConfigQueries.detail());
}
