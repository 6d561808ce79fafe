import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const getIdentity = defineOperation({
  id: 'GetIdentity',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id',
  scope: 'identities:read',
  level: 'realm',
  handle: ({ params, deps, now }) =>
    found(deps.repos.identities.get(params.realm_id!, params.identity_id!, now), 'Identity', params.identity_id!),
});
