import type { AuthenticatorConfig } from '../../../contracts/bi/authenticator-config';
import type { StoredApplication } from '../applications/repository';
import type { CloudDeps } from '../deps';

export interface OidcClientApp {
  app: StoredApplication;
  config: AuthenticatorConfig | undefined;
  issuer: string;
}

/** `{auth_base}/v1/tenants/{t}/realms/{r}/applications/{app}`: each application is its own issuer, as in Beyond Identity. */
export function issuerOf(deps: CloudDeps, app: { tenant_id: string; realm_id: string; id: string }): string {
  return `${deps.config.authBaseUrl}/v1/tenants/${app.tenant_id}/realms/${app.realm_id}/applications/${app.id}`;
}

/** The application named by an issuer path, when it exists in that tenant and realm. */
export function findClientApp(deps: CloudDeps, params: Record<string, string | undefined>): OidcClientApp | undefined {
  if (!params.realm_id || !params.application_id) return undefined;
  const app = deps.repos.applications.get(params.realm_id, params.application_id);
  if (!app || app.tenant_id !== params.tenant_id) return undefined;
  const config = app.authenticator_config_id ? deps.repos.authenticatorConfigs.get(app.realm_id, app.authenticator_config_id) : undefined;
  return { app, config, issuer: issuerOf(deps, app) };
}
