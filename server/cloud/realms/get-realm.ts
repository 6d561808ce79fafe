import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const getRealm = defineOperation({
  id: 'GetRealm',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id',
  scope: 'realms:read',
  level: 'tenant',
  handle: ({ params, deps }) => found(deps.repos.realms.get(params.tenant_id!, params.realm_id!), 'Realm', params.realm_id!),
});
