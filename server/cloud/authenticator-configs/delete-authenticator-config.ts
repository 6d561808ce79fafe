import { conflict, found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const deleteAuthenticatorConfig = defineOperation({
  id: 'DeleteAuthenticatorConfig',
  method: 'delete',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/authenticator-configs/:authenticator_config_id',
  scope: 'authenticator-configs:delete',
  level: 'realm',
  write: ({ params, deps, principal, now }) => {
    const id = params.authenticator_config_id!;
    const config = found(deps.repos.authenticatorConfigs.get(params.realm_id!, id), 'AuthenticatorConfig', id);
    // An application still pointing at it would lose its way to the SDK.
    if (deps.repos.authenticatorConfigs.isUsedByApplication(id)) {
      throw conflict('authenticator config is used by an application', { type: 'AuthenticatorConfig', id });
    }
    deps.repos.authenticatorConfigs.remove(config, now);
    deps.repos.audit.record(
      { tenant_id: config.tenant_id, realm_id: config.realm_id, actor: principal.actor, action: 'authenticator_config.delete', resource_type: 'AuthenticatorConfig', resource_id: id },
      now,
    );
    // A pending job's link is bound under its config, which `:getInfo` hands the SDK: with the
    // config gone the link leads nowhere, so its job is revoked with it, in this same unit, for
    // the job's state to say so (and its queued email, if any, not to go out).
    const reason = `revoked by ${principal.actor}: authenticator config ${id} was deleted`;
    for (const job of deps.repos.bindingJobs.revokeUsingConfig(config.realm_id, id, now, reason)) {
      deps.repos.audit.record(
        { tenant_id: job.tenant_id, realm_id: job.realm_id, actor: principal.actor, action: 'credential_binding_job.revoke', resource_type: 'CredentialBindingJob', resource_id: job.id, identity_id: job.identity_id, detail: { reason: 'authenticator config deleted', authenticator_config_id: id } },
        now,
      );
    }
    return undefined;
  },
});
