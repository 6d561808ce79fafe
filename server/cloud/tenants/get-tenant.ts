import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const getTenant = defineOperation({
  id: 'GetTenant',
  method: 'get',
  path: '/v1/tenants/:tenant_id',
  scope: 'tenants:read',
  level: 'tenant',
  handle: ({ params, deps }) => found(deps.repos.tenants.get(params.tenant_id!), 'Tenant', params.tenant_id!),
});
