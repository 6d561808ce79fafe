import { notFound } from '../../lib/api-error';
import { defineOperation } from '../http/operation';
import { publicJob } from './repository';

export const getBindingJob = defineOperation({
  id: 'GetCredentialBindingJob',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credential-binding-jobs/:credential_binding_job_id',
  scope: 'credential-binding-jobs:read',
  level: 'realm',
  handle: ({ params, deps, now }) => {
    const job = deps.repos.bindingJobs.get(params.realm_id!, params.credential_binding_job_id!, now);
    if (!job || job.identity_id !== params.identity_id) throw notFound('CredentialBindingJob', params.credential_binding_job_id!);
    return publicJob(job);
  },
});
