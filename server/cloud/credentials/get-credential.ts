import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const getCredential = defineOperation({
  id: 'GetCredential',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credentials/:credential_id',
  scope: 'credentials:read',
  level: 'realm',
  handle: ({ params, deps }) =>
    found(
      deps.repos.credentials.get(params.realm_id!, params.identity_id!, params.credential_id!),
      'Credential',
      params.credential_id!,
    ),
});
