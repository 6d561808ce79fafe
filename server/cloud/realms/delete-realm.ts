import { conflict, found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const deleteRealm = defineOperation({
  id: 'DeleteRealm',
  method: 'delete',
  path: '/v1/tenants/:tenant_id/realms/:realm_id',
  scope: 'realms:delete',
  level: 'tenant',
  write: ({ params, deps, principal, now }) => {
    const { realms, themes, audit } = deps.repos;
    const realm = found(realms.get(params.tenant_id!, params.realm_id!), 'Realm', params.realm_id!);
    // Beyond Identity refuses to delete a realm that still holds resources.
    if (realms.hasChildren(realm.id)) throw conflict('realm has children', { type: 'Realm', id: realm.id });
    themes.removeForRealm(realm.id);
    realms.remove(realm.id);
    audit.record(
      { tenant_id: realm.tenant_id, realm_id: realm.id, actor: principal.actor, action: 'realm.delete', resource_type: 'Realm', resource_id: realm.id },
      now,
    );
    return undefined;
  },
});
