import type { AppConfigResponse } from '../../../contracts/app-api';
import type { AppDeps, AppHono } from '../deps';

/** `GET /api/config`: what the SPA needs to initialise the SDK and to offer sign-in. */
export function mountConfig(app: AppHono, deps: AppDeps): void {
  const body: AppConfigResponse = {
    allowed_domains: deps.config.allowedDomains,
    // `/auth/login` works when the sign-in application's client credentials are configured.
    sign_in: deps.oidc !== undefined,
    tenant_id: deps.config.bi.tenantId,
    realm_id: deps.config.bi.realmId,
  };
  app.get('/api/config', (c) => c.json(body));
}
