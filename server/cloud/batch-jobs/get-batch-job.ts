import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const getBatchJob = defineOperation({
  id: 'GetBatchCredentialBindingJob',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/batch-credential-binding-jobs/:batch_credential_binding_job_id',
  scope: 'credential-binding-jobs:read',
  level: 'realm',
  handle: ({ params, deps }) =>
    found(
      deps.repos.batchJobs.get(params.realm_id!, params.batch_credential_binding_job_id!),
      'BatchCredentialBindingJob',
      params.batch_credential_binding_job_id!,
    ),
});
