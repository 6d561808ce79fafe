import { createBatchJobBody, type BatchJob } from '../../../contracts/bi/binding-job';
import { ApiError, invalidParameters } from '../../lib/api-error';
import { isId, newId } from '../../lib/ids';
import { checkJobTemplate, issueBindingJob } from '../binding-jobs/issue-binding-job';
import { defineOperation } from '../http/operation';

export const createBatchJob = defineOperation({
  id: 'CreateBatchCredentialBindingJob',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/batch-credential-binding-jobs',
  scope: 'credential-binding-jobs:create',
  level: 'realm',
  body: createBatchJobBody,
  write: ({ params, body, deps, principal, now }): BatchJob => {
    const request = body.batch_credential_binding_job;
    const ids = request.identity_ids;
    const violations = ids.flatMap((id, index) => {
      if (!isId(id)) return [{ field: `batch_credential_binding_job.identity_ids[${index}]`, description: 'must be 16 lowercase hexadecimal characters' }];
      if (ids.indexOf(id) !== index) return [{ field: `batch_credential_binding_job.identity_ids[${index}]`, description: `repeats ${id}` }];
      return [];
    });
    if (violations.length > 0) throw invalidParameters(violations);


    const time = now.toISOString();
    const template = {
      authenticator_config_id: request.job_template.authenticator_config_id,
      ...(request.job_template.post_binding_redirect_uri
        ? { post_binding_redirect_uri: request.job_template.post_binding_redirect_uri }
        : {}),
    };
    // A bad template fails the whole batch before anything is written, even
    // when every identity is unknown (their 404s are per-identity errors).
    const fieldPrefix = 'batch_credential_binding_job.job_template.';
    checkJobTemplate(deps, {
      realmId: params.realm_id!,
      authenticatorConfigId: template.authenticator_config_id,
      postBindingRedirectUri: template.post_binding_redirect_uri,
      fieldPrefix,
    });
    // Counted and written in one transaction (the write lock is taken at
    // BEGIN), so two batches at once cannot both fit into the last room.
    const limit = deps.config.batchQueueLimit ?? BATCH_QUEUE_LIMIT;
    const queued = deps.repos.batchJobs.queuedInRealm(params.realm_id!);
    if (queued + ids.length > limit) throw batchQueueFull(limit, queued, ids.length);
    const batch: BatchJob = {
      id: newId(),
      tenant_id: params.tenant_id!,
      realm_id: params.realm_id!,
      identity_ids: ids,
      state: 'RUNNING',
      state_commentary: { errors: {} },
      job_template: template,
      create_time: time,
      update_time: time,
    };
    deps.repos.batchJobs.insert(batch);

    for (const identityId of ids) {
      try {
        issueBindingJob(
          deps,
          {
            tenantId: batch.tenant_id,
            realmId: batch.realm_id,
            identityId,
            deliveryMethod: 'EMAIL',
            authenticatorConfigId: template.authenticator_config_id,
            postBindingRedirectUri: template.post_binding_redirect_uri,
            batchId: batch.id,
            actor: principal.actor,
            fieldPrefix,
          },
          now,
        );
      } catch (error) {
        // Only what is wrong with one identity stays per-identity; a bad
        // template (unknown authenticator config, bad redirect) fails the batch.
        if (!isPerIdentityError(error)) throw error;
        batch.state_commentary.errors[identityId] = { last_error: error.message, failed_permanently: true };
      }
    }
    const failures = Object.keys(batch.state_commentary.errors).length;
    batch.state = failures === 0 ? 'SUCCESS' : failures === ids.length ? 'FAILED' : 'PARTIAL_SUCCESS';
    deps.repos.batchJobs.finish(batch);
    deps.repos.audit.record(
      { tenant_id: batch.tenant_id, realm_id: batch.realm_id, actor: principal.actor, action: 'batch_credential_binding_job.create', resource_type: 'BatchCredentialBindingJob', resource_id: batch.id, detail: { identities: ids.length, failures } },
      now,
    );
    return batch;
  },
});

/** Beyond Identity's per-realm batch queue size. */
const BATCH_QUEUE_LIMIT = 1000;

/**
 * 429 as the contract gives it: the numbers in the message (its wording, typo
 * included, is Beyond Identity's own example, which clients may match), and
 * the queue's room in `RateLimit-*` headers. Not a time window: the room comes
 * back as the queued emails are sent.
 */
function batchQueueFull(limit: number, queued: number, requested: number): ApiError {
  return new ApiError(
    429,
    'too_many_requests',
    `Maximum queue sized reached. Maximum: ${limit} Current Total: ${queued} Overage: ${queued + requested - limit}`,
    undefined,
    { headers: { 'RateLimit-Limit': String(limit), 'RateLimit-Remaining': String(Math.max(0, limit - queued)) } },
  );
}

function isPerIdentityError(error: unknown): error is ApiError {
  if (!(error instanceof ApiError)) return false;
  const detail = error.details?.[0];
  return (error.status === 404 || error.status === 422) && detail?.type === 'ResourceInfo' && detail.resource_type === 'Identity';
}
