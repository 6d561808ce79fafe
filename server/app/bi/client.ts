import type { AppConfig } from '../config';
import { bindingJobsClient } from './binding-jobs';
import { bindingLinkInfoClient } from './binding-link-info';
import { credentialsClient } from './credentials';
import { createBiHttp } from './http';
import { identitiesClient } from './identities';
import { clientCredentialsToken, staticToken } from './management-token';

export interface BiClientOptions {
  /** Seam for tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
  clock?: () => Date;
  timeoutMs?: number;
}

/**
 * The app backend's Beyond Identity client, one sub-client per resource.
 * It speaks only HTTP to the configured base URLs, so it works the same
 * against the local cloud and against Beyond Identity.
 */
export function createBiClient(bi: AppConfig['bi'], options: BiClientOptions = {}) {
  const token =
    bi.management.kind === 'token'
      ? staticToken(bi.management.apiToken)
      : clientCredentialsToken({
          authBaseUrl: bi.authBaseUrl,
          tenantId: bi.tenantId,
          // The management application's realm, which may be the tenant's admin realm.
          realmId: bi.management.realmId,
          applicationId: bi.management.applicationId,
          clientId: bi.management.clientId,
          clientSecret: bi.management.clientSecret,
          ...options,
        });
  const http = createBiHttp({ apiBaseUrl: bi.apiBaseUrl, tenantId: bi.tenantId, realmId: bi.realmId, token, ...options });
  return {
    identities: identitiesClient(http),
    bindingJobs: bindingJobsClient(http, bi.authenticatorConfigId),
    credentials: credentialsClient(http),
    bindingLinkInfo: bindingLinkInfoClient(http),
  };
}

export type BiClient = ReturnType<typeof createBiClient>;
