import { updateAuthenticatorConfigBody } from '../../../contracts/bi/authenticator-config';
import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const updateAuthenticatorConfig = defineOperation({
  id: 'UpdateAuthenticatorConfig',
  method: 'patch',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/authenticator-configs/:authenticator_config_id',
  scope: 'authenticator-configs:update',
  level: 'realm',
  body: updateAuthenticatorConfigBody,
  write: ({ params, body, deps, principal, now }) => {
    const { authenticatorConfigs, audit } = deps.repos;
    const id = params.authenticator_config_id!;
    const current = found(authenticatorConfigs.get(params.realm_id!, id), 'AuthenticatorConfig', id);
    const patch = body.authenticator_config;
    authenticatorConfigs.update(
      {
        ...current,
        ...(patch.display_name !== undefined ? { display_name: patch.display_name } : {}),
        ...(patch.config ? { config: patch.config } : {}),
      },
      now,
    );
    audit.record(
      { tenant_id: current.tenant_id, realm_id: current.realm_id, actor: principal.actor, action: 'authenticator_config.update', resource_type: 'AuthenticatorConfig', resource_id: id, detail: { fields: Object.keys(patch) } },
      now,
    );
    return authenticatorConfigs.get(current.realm_id, id)!;
  },
});
