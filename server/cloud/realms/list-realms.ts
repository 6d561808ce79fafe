import type { ListRealmsResponse } from '../../../contracts/bi/realm';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';

export const listRealms = defineOperation({
  id: 'ListRealms',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms',
  scope: 'realms:read',
  level: 'tenant',
  handle: ({ params, query, deps }): ListRealmsResponse => {
    const { items, ...page } = deps.repos.realms.list(params.tenant_id!, readPage(query, { defaultSize: 20, maxSize: 200 }));
    return { realms: items, ...page };
  },
});
