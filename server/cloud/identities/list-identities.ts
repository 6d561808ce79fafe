import type { ListIdentitiesResponse } from '../../../contracts/bi/identity';
import { parseFilter } from '../http/filter';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';
import { IDENTITY_FILTERS } from './repository';

export const listIdentities = defineOperation({
  id: 'ListIdentities',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities',
  scope: 'identities:read',
  level: 'realm',
  handle: ({ params, query, deps, now }): ListIdentitiesResponse => {
    const page = readPage(query, { defaultSize: 20, maxSize: 200 });
    const terms = parseFilter(page.filter, Object.keys(IDENTITY_FILTERS));
    const { items, ...rest } = deps.repos.identities.list(params.realm_id!, terms, page, now);
    return { identities: items, ...rest };
  },
});
