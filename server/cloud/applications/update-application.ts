import { updateApplicationBody } from '../../../contracts/bi/application';
import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';
import { publicApplication } from './repository';

export const updateApplication = defineOperation({
  id: 'UpdateApplication',
  method: 'patch',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id',
  scope: 'applications:update',
  level: 'realm',
  body: updateApplicationBody,
  handle: ({ params, body, deps, principal, now }) =>
    deps.write(() => {
      const { applications, authenticatorConfigs, audit } = deps.repos;
      const current = found(applications.get(params.realm_id!, params.application_id!), 'Application', params.application_id!);
      const patch = body.application;
      if (patch.authenticator_config_id) {
        found(authenticatorConfigs.get(current.realm_id, patch.authenticator_config_id), 'AuthenticatorConfig', patch.authenticator_config_id);
      }
      const protocolPatch = Object.fromEntries(Object.entries(patch.protocol_config ?? {}).filter(([, v]) => v !== undefined));
      applications.update(
        {
          ...current,
          ...(patch.display_name !== undefined ? { display_name: patch.display_name } : {}),
          ...(patch.resource_server_id !== undefined ? { resource_server_id: patch.resource_server_id } : {}),
          ...(patch.authenticator_config_id !== undefined ? { authenticator_config_id: patch.authenticator_config_id } : {}),
          ...(current.protocol_config ? { protocol_config: { ...current.protocol_config, ...protocolPatch } } : {}),
        },
        now,
      );
      audit.record(
        { tenant_id: current.tenant_id, realm_id: current.realm_id, actor: principal.actor, action: 'application.update', resource_type: 'Application', resource_id: current.id, detail: { fields: Object.keys(patch) } },
        now,
      );
      return publicApplication(applications.get(current.realm_id, current.id)!);
    }),
});
