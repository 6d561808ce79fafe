import { createBindingJobBody, type CreateBindingJobResponse } from '../../../contracts/bi/binding-job';
import { defineOperation } from '../http/operation';
import { issueBindingJob } from './issue-binding-job';

export const createBindingJob = defineOperation({
  id: 'CreateCredentialBindingJob',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credential-binding-jobs',
  scope: 'credential-binding-jobs:create',
  level: 'realm',
  body: createBindingJobBody,
  write: ({ params, body, deps, principal, now }): CreateBindingJobResponse => {
    const { job, link } = issueBindingJob(
      deps,
      {
        tenantId: params.tenant_id!,
        realmId: params.realm_id!,
        identityId: params.identity_id!,
        deliveryMethod: body.job.delivery_method,
        authenticatorConfigId: body.job.authenticator_config_id,
        postBindingRedirectUri: body.job.post_binding_redirect_uri,
        actor: principal.actor,
        fieldPrefix: 'job.',
      },
      now,
    );
    // Only RETURN hands the link to the caller; an EMAIL link goes only to the inbox.
    return job.delivery_method === 'RETURN'
      ? { credential_binding_job: job, credential_binding_link: link }
      : { credential_binding_job: job };
  },
});
