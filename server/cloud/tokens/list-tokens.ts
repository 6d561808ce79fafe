import { found, invalidField } from '../../lib/api-error';
import { defineOperation, queryId } from '../http/operation';
import type { TokenView } from './repository';

export const listTokens = defineOperation({
  id: 'ListTokens',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id/tokens',
  scope: 'tokens:read',
  level: 'realm',
  handle: ({ params, query, deps, now }): { tokens: TokenView[]; total_size: number } => {
    const app = found(deps.repos.applications.get(params.realm_id!, params.application_id!), 'Application', params.application_id!);
    const type = query.principal_type;
    if (type !== undefined && type !== 'Application' && type !== 'Identity') {
      throw invalidField('principal_type', 'must be Application or Identity');
    }
    const tokens = deps.repos.tokens.listActive(app.id, Math.floor(now.getTime() / 1000), {
      ...(type ? { type } : {}),
      ...(queryId(query, 'principal_id') ? { id: query.principal_id! } : {}),
    });
    return { tokens, total_size: tokens.length };
  },
});
