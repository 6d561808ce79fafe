import { z } from 'zod';
import { conflict, notFound } from '../../lib/api-error';
import { defineOperation } from '../http/operation';
import { publicJob } from './repository';

export const revokeBindingJob = defineOperation({
  id: 'SetCredentialBindingJobRevoked',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credential-binding-jobs/:credential_binding_job_id/@revoke',
  scope: 'credential-binding-jobs:revoke',
  level: 'realm',
  body: z.object({}),
  write: ({ params, deps, principal, now }) => {
    const { bindingJobs, audit } = deps.repos;
    const id = params.credential_binding_job_id!;
    const job = bindingJobs.get(params.realm_id!, id, now);
    if (!job || job.identity_id !== params.identity_id) throw notFound('CredentialBindingJob', id);
    const resource = { type: 'CredentialBindingJob', id };
    // The spec: "If the specified job has already been completed, the revocation attempt will fail."
    if (job.state === 'COMPLETE') throw conflict('credential binding job is already complete', resource);
    if (job.state === 'EXPIRED') throw conflict('credential binding job has expired', resource);
    if (job.state !== 'REVOKED') {
      bindingJobs.setState(id, 'REVOKED', now, `revoked by ${principal.actor}`);
      audit.record(
        { tenant_id: job.tenant_id, realm_id: job.realm_id, actor: principal.actor, action: 'credential_binding_job.revoke', resource_type: 'CredentialBindingJob', resource_id: id, identity_id: job.identity_id },
        now,
      );
    }
    return publicJob(bindingJobs.get(job.realm_id, id, now)!);
  },
});
