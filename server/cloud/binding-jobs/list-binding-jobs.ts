import type { ListBindingJobsResponse } from '../../../contracts/bi/binding-job';
import { parseFilter } from '../http/filter';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';
import { BINDING_JOB_FILTERS } from './repository';

export const listBindingJobs = defineOperation({
  id: 'ListCredentialBindingJobs',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credential-binding-jobs',
  scope: 'credential-binding-jobs:read',
  level: 'realm',
  wildcards: ['identity_id'],
  handle: ({ params, query, deps, now }): ListBindingJobsResponse => {
    const page = readPage(query, { defaultSize: 20, maxSize: 200 });
    const terms = parseFilter(page.filter, BINDING_JOB_FILTERS);
    const { items, ...rest } = deps.repos.bindingJobs.list(params.realm_id!, params.identity_id!, terms, page, now);
    return { credential_binding_jobs: items, ...rest };
  },
});
