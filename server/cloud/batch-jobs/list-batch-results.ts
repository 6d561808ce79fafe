import type { BindingJob } from '../../../contracts/bi/binding-job';
import { found } from '../../lib/api-error';
import { refuseFilter } from '../http/filter';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';

export interface ListBatchResultsResponse {
  job_results: BindingJob[];
  total_success_count: number;
  total_failure_count: number;
  total_pending_count: number;
  total_size: number;
  next_page_token?: string;
}

export const listBatchResults = defineOperation({
  id: 'ListBatchCredentialBindingJobResults',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/batch-credential-binding-jobs/:batch_credential_binding_job_id/@listResults',
  scope: 'credential-binding-jobs:read',
  level: 'realm',
  handle: ({ params, query, deps, now }): ListBatchResultsResponse => {
    const id = params.batch_credential_binding_job_id!;
    found(deps.repos.batchJobs.get(params.realm_id!, id), 'BatchCredentialBindingJob', id);
    const request = readPage(query, { defaultSize: 20, maxSize: 200 });
    // The spec lists no filter for ListBatchCredentialBindingJobResults.
    refuseFilter(request.filter);
    const { page, counts } = deps.repos.bindingJobs.listByBatch(id, request, now);
    return {
      job_results: page.items,
      total_success_count: counts.success,
      total_failure_count: counts.failure,
      total_pending_count: counts.total - counts.success - counts.failure,
      total_size: page.total_size,
      ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}),
    };
  },
});
