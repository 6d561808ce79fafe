import { createAuthenticatorConfigBody, type AuthenticatorConfig } from '../../../contracts/bi/authenticator-config';
import { newId } from '../../lib/ids';
import { defineOperation } from '../http/operation';

export const createAuthenticatorConfig = defineOperation({
  id: 'CreateAuthenticatorConfig',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/authenticator-configs',
  scope: 'authenticator-configs:create',
  level: 'realm',
  body: createAuthenticatorConfigBody,
  write: ({ params, body, deps, principal, now }): AuthenticatorConfig => {
    const config: AuthenticatorConfig = {
      id: newId(),
      tenant_id: params.tenant_id!,
      realm_id: params.realm_id!,
      ...(body.authenticator_config.display_name ? { display_name: body.authenticator_config.display_name } : {}),
      config: body.authenticator_config.config,
    };
    deps.repos.authenticatorConfigs.insert(config, now);
    deps.repos.audit.record(
      { tenant_id: config.tenant_id, realm_id: config.realm_id, actor: principal.actor, action: 'authenticator_config.create', resource_type: 'AuthenticatorConfig', resource_id: config.id },
      now,
    );
    return deps.repos.authenticatorConfigs.get(config.realm_id, config.id)!;
  },
});
