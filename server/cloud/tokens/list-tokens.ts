import { found, invalidField } from '../../lib/api-error';
import { defineOperation, queryId } from '../http/operation';
import { readPage } from '../http/paging';
import type { TokenView } from './repository';

export const listTokens = defineOperation({
  id: 'ListTokens',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id/tokens',
  scope: 'tokens:read',
  level: 'realm',
  handle: ({ params, query, deps, now }): { tokens: TokenView[]; total_size: number; next_page_token?: string } => {
    const app = found(deps.repos.applications.get(params.realm_id!, params.application_id!), 'Application', params.application_id!);
    const type = query.principal_type;
    if (type !== undefined && type !== 'Application' && type !== 'Identity') {
      throw invalidField('principal_type', 'must be Application or Identity');
    }
    // The spec: at most 100 per page, 100 by default, a page token for the rest.
    const page = readPage(query, { defaultSize: 100, maxSize: 100 });
    const principal = {
      ...(type ? { type } : {}),
      ...(queryId(query, 'principal_id') ? { id: query.principal_id! } : {}),
    };
    const { items, ...rest } = deps.repos.tokens.listActive(app.id, Math.floor(now.getTime() / 1000), principal, page);
    return { tokens: items, ...rest };
  },
});
