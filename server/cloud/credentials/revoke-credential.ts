import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const revokeCredential = defineOperation({
  id: 'RevokeCredential',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credentials/:credential_id/@revoke',
  scope: 'credentials:revoke',
  level: 'realm',
  write: ({ params, deps, principal, now }) => {
    const { credentials, audit } = deps.repos;
    const credential = found(
      credentials.get(params.realm_id!, params.identity_id!, params.credential_id!),
      'Credential',
      params.credential_id!,
    );
    // Revoking twice is harmless: the second call answers the revoked credential.
    if (credentials.revoke(credential.id, now)) {
      audit.record(
        { tenant_id: credential.tenant_id, realm_id: credential.realm_id, actor: principal.actor, action: 'credential.revoke', resource_type: 'Credential', resource_id: credential.id, identity_id: credential.identity_id },
        now,
      );
    }
    return credentials.get(credential.realm_id, credential.identity_id, credential.id)!;
  },
});
