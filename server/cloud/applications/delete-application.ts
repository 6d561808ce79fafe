import { conflict, found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const deleteApplication = defineOperation({
  id: 'DeleteApplication',
  method: 'delete',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id',
  scope: 'applications:delete',
  level: 'realm',
  write: ({ params, deps, principal, now }) => {
    const app = found(deps.repos.applications.get(params.realm_id!, params.application_id!), 'Application', params.application_id!);
    // The Management API application is managed by the cloud; deleting it
    // would lock every admin out of the tenant.
    if (app.is_managed) throw conflict('managed applications cannot be deleted', { type: 'Application', id: app.id });
    deps.repos.applications.remove(app.id);
    deps.repos.audit.record(
      { tenant_id: app.tenant_id, realm_id: app.realm_id, actor: principal.actor, action: 'application.delete', resource_type: 'Application', resource_id: app.id },
      now,
    );
    return undefined;
  },
});
