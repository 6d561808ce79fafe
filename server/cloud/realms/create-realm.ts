import { createRealmBody } from '../../../contracts/bi/realm';
import { newId } from '../../lib/ids';
import { defineOperation } from '../http/operation';

export const createRealm = defineOperation({
  id: 'CreateRealm',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms',
  scope: 'realms:create',
  level: 'tenant',
  body: createRealmBody,
  write: ({ params, body, deps, principal, now }) => {
    const time = now.toISOString();
    const realm = {
      id: newId(),
      tenant_id: params.tenant_id!,
      display_name: body.realm.display_name,
      ...(body.realm.classification ? { classification: body.realm.classification } : {}),
      create_time: time,
      update_time: time,
    };
    deps.repos.realms.insert(realm);
    deps.repos.audit.record(
      { tenant_id: realm.tenant_id, realm_id: realm.id, actor: principal.actor, action: 'realm.create', resource_type: 'Realm', resource_id: realm.id },
      now,
    );
    return realm;
  },
});
