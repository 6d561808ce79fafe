import { createIdentityBody } from '../../../contracts/bi/identity';
import { conflict } from '../../lib/api-error';
import { newId } from '../../lib/ids';
import { defineOperation } from '../http/operation';
import { isUniqueViolation } from './repository';

export const createIdentity = defineOperation({
  id: 'CreateIdentity',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities',
  scope: 'identities:create',
  level: 'realm',
  body: createIdentityBody,
  write: ({ params, body, deps, principal, now }) => {
    const { identities, audit } = deps.repos;
    const time = now.toISOString();
    const identity = {
      id: newId(),
      tenant_id: params.tenant_id!,
      realm_id: params.realm_id!,
      display_name: body.identity.display_name,
      status: body.identity.status ?? 'active',
      traits: body.identity.traits,
      create_time: time,
      update_time: time,
    };
    try {
      identities.insert(identity);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('username already exists');
      throw error;
    }
    audit.record(
      { tenant_id: identity.tenant_id, realm_id: identity.realm_id, actor: principal.actor, action: 'identity.create', resource_type: 'Identity', resource_id: identity.id, identity_id: identity.id },
      now,
    );
    return identities.get(identity.realm_id, identity.id, now)!;
  },
});
