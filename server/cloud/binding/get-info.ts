import type { Context } from 'hono';
import type { CloudDeps, CloudEnv } from '../deps';
import { usableLink } from './binding-token';

/**
 * `POST …/credential-binding-jobs/{job}:getInfo` (Bearer = binding token):
 * what the SDK stores beside the passkey (tenant, realm, identity, theme) and
 * the authenticator config it binds under. Field names and which are required
 * are in bi-protocol.md; the SDK fails with "Failed to decode a response" on
 * any other shape.
 */
export function getInfo(c: Context<CloudEnv>, deps: CloudDeps): Response {
  const { job, config, identity } = usableLink(c.get('binding'));
  const { repos } = deps;
  const tenant = repos.tenants.get(job.tenant_id)!;
  const realm = repos.realms.get(job.tenant_id, job.realm_id)!;
  const theme = repos.themes.active(job.tenant_id, job.realm_id);
  const applicationId = repos.applications.idUsingAuthenticatorConfig(job.authenticator_config_id);
  c.header('Cache-Control', 'no-store');
  return c.json({
    tenant: { display_name: tenant.display_name },
    realm: { display_name: realm.display_name },
    identity: {
      display_name: identity.display_name,
      traits: {
        type: 'traits_v0',
        username: identity.traits.username,
        ...(identity.traits.primary_email_address ? { primary_email_address: identity.traits.primary_email_address } : {}),
      },
    },
    theme: { logo_url_light: theme.logo_url_light, logo_url_dark: theme.logo_url_dark, support_url: theme.support_url },
    ...(job.post_binding_redirect_uri ? { post_binding_redirect_uri: job.post_binding_redirect_uri } : {}),
    ...(applicationId ? { application_id: applicationId } : {}),
    authenticator_config: {
      id: job.authenticator_config_id,
      tenant_id: job.tenant_id,
      realm_id: job.realm_id,
      // Never null: a link whose config is gone is refused above (problemWith), since the SDK needs it.
      config,
    },
  });
}
