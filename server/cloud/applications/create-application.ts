import { createApplicationBody, type Application, type ProtocolConfig } from '../../../contracts/bi/application';
import { found } from '../../lib/api-error';
import { hashSecret, newId, newSecret } from '../../lib/ids';
import { defineOperation } from '../http/operation';
import { assertCallerHolds, assertProtocolRules, authMethodFor, grantableScopes } from './protocol-rules';
import { publicApplication } from './repository';

export const createApplication = defineOperation({
  id: 'CreateApplication',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications',
  scope: 'applications:create',
  level: 'realm',
  body: createApplicationBody,
  write: ({ params, body, deps, principal, now }): Application => {
    const input = body.application;
    // The request's token_endpoint_auth_method is ignored (spec,
    // TokenEndpointAuthMethod); it is derived from confidentiality below.
    const { token_endpoint_auth_method: _ignored, ...requested } = input.protocol_config;
    const protocol: ProtocolConfig = {
      confidentiality: 'confidential',
      grant_type: ['authorization_code'],
      // Spec, PkceConfig: `disabled` "is the default state if the `pkce` field is left blank".
      pkce: 'disabled',
      token_format: 'self_contained',
      ...requested,
      client_id: newSecret(18),
    };
    protocol.token_endpoint_auth_method = authMethodFor(protocol.confidentiality);
    const resourceServerId = input.resource_server_id || undefined;
    const grants = { ...(resourceServerId ? { resource_server_id: resourceServerId } : {}), protocol_config: protocol };
    assertProtocolRules(grants);
    assertCallerHolds(grantableScopes(grants), principal.scopes);
    if (input.authenticator_config_id) {
      found(deps.repos.authenticatorConfigs.get(params.realm_id!, input.authenticator_config_id), 'AuthenticatorConfig', input.authenticator_config_id);
    }
    // A public client has no secret. A confidential one gets its secret in
    // this response only: the cloud keeps a hash (see the README).
    const secret = protocol.confidentiality === 'confidential' ? newSecret(36) : undefined;
    const app = {
      id: newId(),
      tenant_id: params.tenant_id!,
      realm_id: params.realm_id!,
      display_name: input.display_name,
      ...(resourceServerId ? { resource_server_id: resourceServerId } : {}),
      ...(input.authenticator_config_id ? { authenticator_config_id: input.authenticator_config_id } : {}),
      is_managed: false,
      protocol_config: protocol,
      ...(secret ? { client_secret_hash: hashSecret(secret) } : {}),
    };
    deps.repos.applications.insert(app, now);
    deps.repos.audit.record(
      { tenant_id: app.tenant_id, realm_id: app.realm_id, actor: principal.actor, action: 'application.create', resource_type: 'Application', resource_id: app.id },
      now,
    );
    const created = publicApplication(deps.repos.applications.get(app.realm_id, app.id)!);
    return secret ? { ...created, protocol_config: { ...created.protocol_config!, client_secret: secret } } : created;
  },
});
