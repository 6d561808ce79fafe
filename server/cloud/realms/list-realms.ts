import type { ListRealmsResponse } from '../../../contracts/bi/realm';
import { refuseFilter } from '../http/filter';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';

export const listRealms = defineOperation({
  id: 'ListRealms',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms',
  scope: 'realms:read',
  level: 'tenant',
  handle: ({ params, query, deps }): ListRealmsResponse => {
    const page = readPage(query, { defaultSize: 20, maxSize: 200 });
    // The spec lists no filter for ListRealms.
    refuseFilter(page.filter);
    const { items, ...rest } = deps.repos.realms.list(params.tenant_id!, page);
    return { realms: items, ...rest };
  },
});
