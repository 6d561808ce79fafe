import { updateTenantBody } from '../../../contracts/bi/tenant';
import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const updateTenant = defineOperation({
  id: 'UpdateTenant',
  method: 'patch',
  path: '/v1/tenants/:tenant_id',
  scope: 'tenants:update',
  level: 'tenant',
  body: updateTenantBody,
  write: ({ params, body, deps, principal, now }) => {
    const { tenants, audit } = deps.repos;
    const tenant = found(tenants.get(params.tenant_id!), 'Tenant', params.tenant_id!);
    if (body.tenant.display_name !== undefined) tenants.update(tenant.id, body.tenant.display_name, now);
    audit.record({ tenant_id: tenant.id, actor: principal.actor, action: 'tenant.update', resource_type: 'Tenant', resource_id: tenant.id }, now);
    return tenants.get(tenant.id)!;
  },
});
