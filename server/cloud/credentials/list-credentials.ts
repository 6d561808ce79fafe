import type { ListCredentialsResponse } from '../../../contracts/bi/credential';
import { refuseFilter } from '../http/filter';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';

export const listCredentials = defineOperation({
  id: 'ListCredentials',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credentials',
  scope: 'credentials:read',
  level: 'realm',
  wildcards: ['identity_id'],
  handle: ({ params, query, deps }): ListCredentialsResponse => {
    const page = readPage(query, { defaultSize: 20, maxSize: 200 });
    // The spec lists no filter for ListCredentials.
    refuseFilter(page.filter);
    const { items, ...rest } = deps.repos.credentials.list(params.realm_id!, params.identity_id!, page);
    return { credentials: items, ...rest };
  },
});
