import { found, notFound } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const revokeToken = defineOperation({
  id: 'RevokeToken',
  method: 'delete',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id/tokens/:token_id',
  scope: 'tokens:delete',
  level: 'realm',
  write: ({ params, deps, principal, now }) => {
    const app = found(deps.repos.applications.get(params.realm_id!, params.application_id!), 'Application', params.application_id!);
    const token = deps.repos.tokens.get(app.id, params.token_id!);
    if (!token) throw notFound('Token', params.token_id!);
    if (deps.repos.tokens.revoke(app.id, token.id, now)) {
      deps.repos.audit.record(
        { tenant_id: app.tenant_id, realm_id: app.realm_id, actor: principal.actor, action: 'token.revoke', resource_type: 'Token', resource_id: token.id },
        now,
      );
    }
    return undefined;
  },
});
