import { notFound } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const deleteIdentity = defineOperation({
  id: 'DeleteIdentity',
  method: 'delete',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id',
  scope: 'identities:delete',
  level: 'realm',
  write: ({ params, deps, principal, now }) => {
    // Its credentials and binding jobs go with it (ON DELETE CASCADE).
    if (!deps.repos.identities.remove(params.realm_id!, params.identity_id!)) throw notFound('Identity', params.identity_id!);
    deps.repos.audit.record(
      { tenant_id: params.tenant_id!, realm_id: params.realm_id!, actor: principal.actor, action: 'identity.delete', resource_type: 'Identity', resource_id: params.identity_id!, identity_id: params.identity_id! },
      now,
    );
    return undefined;
  },
});
