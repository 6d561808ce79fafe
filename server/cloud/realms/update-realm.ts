import { updateRealmBody } from '../../../contracts/bi/realm';
import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const updateRealm = defineOperation({
  id: 'UpdateRealm',
  method: 'patch',
  path: '/v1/tenants/:tenant_id/realms/:realm_id',
  scope: 'realms:update',
  level: 'tenant',
  body: updateRealmBody,
  write: ({ params, body, deps, principal, now }) => {
    const { realms, audit } = deps.repos;
    const realm = found(realms.get(params.tenant_id!, params.realm_id!), 'Realm', params.realm_id!);
    if (body.realm.display_name !== undefined) realms.update(realm.id, body.realm.display_name, now);
    audit.record(
      { tenant_id: realm.tenant_id, realm_id: realm.id, actor: principal.actor, action: 'realm.update', resource_type: 'Realm', resource_id: realm.id },
      now,
    );
    return realms.get(realm.tenant_id, realm.id)!;
  },
});
