import type { AppConfigResponse } from '../../../contracts/app-api';
import type { AppDeps, AppHono } from '../deps';

/** `GET /api/config`: what the SPA needs to initialise the SDK. */
export function mountConfig(app: AppHono, deps: AppDeps): void {
  const body: AppConfigResponse = {
    allowed_domains: deps.config.allowedDomains,
    // Passkey sign-in (OIDC under /auth) comes with a later issue.
    sign_in: false,
  };
  app.get('/api/config', (c) => c.json(body));
}
