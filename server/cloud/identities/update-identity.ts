import { updateIdentityBody, type TraitsV0 } from '../../../contracts/bi/identity';
import { conflict, found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';
import { isUniqueViolation } from './repository';

export const updateIdentity = defineOperation({
  id: 'UpdateIdentity',
  method: 'patch',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id',
  scope: 'identities:update',
  level: 'realm',
  body: updateIdentityBody,
  write: ({ params, body, deps, principal, now }) => {
    const { identities, audit } = deps.repos;
    const current = found(identities.get(params.realm_id!, params.identity_id!, now), 'Identity', params.identity_id!);
    const patch = body.identity;
    // PATCH merges traits key by key; an empty primary_email_address removes it.
    const traits: TraitsV0 = { ...current.traits, ...stripUndefined(patch.traits ?? {}), type: 'traits_v0' };
    if (traits.primary_email_address === '') delete traits.primary_email_address;
    try {
      identities.update({
        ...current,
        display_name: patch.display_name ?? current.display_name,
        status: patch.status ?? current.status,
        traits,
        update_time: now.toISOString(),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('username already exists');
      throw error;
    }
    audit.record(
      {
        tenant_id: current.tenant_id, realm_id: current.realm_id, actor: principal.actor, action: 'identity.update',
        resource_type: 'Identity', resource_id: current.id, identity_id: current.id,
        detail: { fields: Object.keys(patch) },
      },
      now,
    );
    return identities.get(current.realm_id, current.id, now)!;
  },
});

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
