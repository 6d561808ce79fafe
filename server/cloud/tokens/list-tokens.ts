import { found, invalidField } from '../../lib/api-error';
import { refuseFilter } from '../http/filter';
import { defineOperation, queryId } from '../http/operation';
import { readPage } from '../http/paging';
import type { TokenView } from './repository';

/** The `principal_type` values the spec's parameter lists ("Allowable values are: `application`, `identity`"). */
const PRINCIPAL_TYPES = ['application', 'identity'] as const;
type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

export const listTokens = defineOperation({
  id: 'ListTokens',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id/tokens',
  scope: 'tokens:read',
  level: 'realm',
  handle: ({ params, query, deps, now }): { tokens: TokenView[]; total_size: number; next_page_token?: string } => {
    const app = found(deps.repos.applications.get(params.realm_id!, params.application_id!), 'Application', params.application_id!);
    // An empty value is no value, as queryId reads principal_id.
    const type = query.principal_type || undefined;
    if (type !== undefined && !PRINCIPAL_TYPES.includes(type as PrincipalType)) {
      throw invalidField('principal_type', `must be ${PRINCIPAL_TYPES.join(' or ')}`);
    }
    // The spec: at most 100 per page, 100 by default, a page token for the rest.
    const page = readPage(query, { defaultSize: 100, maxSize: 100 });
    // ListTokens narrows by principal_type and principal_id; the spec lists no filter.
    refuseFilter(page.filter);
    const principal = {
      ...(type ? { type: type as PrincipalType } : {}),
      ...(queryId(query, 'principal_id') ? { id: query.principal_id! } : {}),
    };
    const { items, ...rest } = deps.repos.tokens.listActive(app.id, Math.floor(now.getTime() / 1000), principal, page);
    return { tokens: items, ...rest };
  },
});
