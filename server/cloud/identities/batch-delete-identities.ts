import { batchDeleteIdentitiesBody } from '../../../contracts/bi/identity';
import { ApiError, invalidParameters } from '../../lib/api-error';
import { isId } from '../../lib/ids';
import { defineOperation } from '../http/operation';

export const batchDeleteIdentities = defineOperation({
  id: 'BatchDeleteIdentities',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/@batchDelete',
  scope: 'identities:delete',
  level: 'realm',
  body: batchDeleteIdentitiesBody,
  write: ({ params, body, deps, principal, now }) => {
    const { identities, audit } = deps.repos;
    const realmId = params.realm_id!;
    // All or nothing, as the spec says: a repeated, malformed or unknown id
    // fails the whole request and deletes nothing.
    const violations = body.ids.flatMap((id, index) => {
      if (!isId(id)) return [{ field: `ids[${index}]`, description: 'must be 16 lowercase hexadecimal characters' }];
      if (body.ids.indexOf(id) !== index) return [{ field: `ids[${index}]`, description: `repeats ${id}` }];
      return [];
    });
    if (violations.length > 0) throw invalidParameters(violations);
    const missing = body.ids.filter((id) => !identities.exists(realmId, id));
    if (missing.length > 0) {
      throw new ApiError(404, 'not_found', 'identities not found', [
        {
          type: 'BatchOperationErrors',
          description: 'errors encountered performing batch operation',
          errors: [{ Description: 'identities not found', IDs: missing, ResourceType: 'Identity' }],
        },
      ]);
    }
    for (const id of body.ids) {
      identities.remove(realmId, id);
      audit.record(
        { tenant_id: params.tenant_id!, realm_id: realmId, actor: principal.actor, action: 'identity.delete', resource_type: 'Identity', resource_id: id, identity_id: id, detail: { batch: true } },
        now,
      );
    }
    return undefined;
  },
});
