import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const getAuthenticatorConfig = defineOperation({
  id: 'GetAuthenticatorConfig',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/authenticator-configs/:authenticator_config_id',
  scope: 'authenticator-configs:read',
  level: 'realm',
  handle: ({ params, deps }) =>
    found(
      deps.repos.authenticatorConfigs.get(params.realm_id!, params.authenticator_config_id!),
      'AuthenticatorConfig',
      params.authenticator_config_id!,
    ),
});
