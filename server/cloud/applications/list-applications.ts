import type { ListApplicationsResponse } from '../../../contracts/bi/application';
import { refuseFilter } from '../http/filter';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';

export const listApplications = defineOperation({
  id: 'ListApplications',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/applications',
  scope: 'applications:read',
  level: 'realm',
  handle: ({ params, query, deps }): ListApplicationsResponse => {
    const page = readPage(query, { defaultSize: 100, maxSize: 100 });
    // The spec lists no filter for ListApplications.
    refuseFilter(page.filter);
    const { items, ...rest } = deps.repos.applications.list(params.realm_id!, page);
    return { applications: items, ...rest };
  },
});
