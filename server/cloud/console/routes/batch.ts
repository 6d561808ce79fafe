import type { Context } from 'hono';
import type { BatchJob } from '../../../../contracts/bi/binding-job';
import { createBatchRequest, type BatchResponse, type BatchResult, type JobRow } from '../../../../contracts/console-api';
import { found } from '../../../lib/api-error';
import { createBatchJob } from '../../batch-jobs/create-batch-job';
import type { CloudDeps } from '../../deps';
import { readJsonBody } from '../../http/operation';
import { idParam, runAsAdmin } from '../as-admin';
import type { ConsoleEnv } from '../session';
import { bindingApplication, jobRow } from '../views';

type C = Context<ConsoleEnv>;

/** Passkey emails to many identities at once, as one batch credential binding job. */
export function batchRoutes(deps: CloudDeps) {
  /** The batch with one result per requested identity: its job (current state) or why it has none. */
  function describe(batch: BatchJob): BatchResponse {
    const now = deps.clock();
    const { page, counts } = deps.repos.bindingJobs.listByBatch(batch.id, { afterSeq: 0, skip: 0, size: 1000, filter: '' }, now);
    const jobs = new Map<string, JobRow>();
    for (const job of page.items) {
      const stored = deps.repos.bindingJobs.get(batch.realm_id, job.id, now);
      if (stored) jobs.set(job.identity_id, jobRow(deps, stored));
    }
    const results = batch.identity_ids.map(
      (identityId): BatchResult => ({
        identity_id: identityId,
        username: deps.repos.identities.get(batch.realm_id, identityId, now)?.traits.username ?? null,
        job: jobs.get(identityId) ?? null,
        error: batch.state_commentary.errors[identityId]?.last_error ?? null,
      }),
    );
    return {
      batch: {
        id: batch.id,
        state: batch.state,
        authenticator_config_id: batch.job_template.authenticator_config_id,
        create_time: batch.create_time,
        update_time: batch.update_time,
      },
      results,
      counts: { total: counts.total, success: counts.success, failure: counts.failure, pending: counts.total - counts.success - counts.failure },
    };
  }

  return {
    /**
     * CreateBatchCredentialBindingJob's own handler does the work: one EMAIL
     * job (and queued message) per identity, per-identity errors, one audit
     * event per job and one for the batch, all in one transaction.
     */
    async createBatch(c: C): Promise<Response> {
      const body = await readJsonBody(c, createBatchRequest);
      const { config } = bindingApplication(deps, c.get('realmId'), body.application_id);
      const batch = await runAsAdmin(c, deps, createBatchJob, {
        body: {
          batch_credential_binding_job: {
            identity_ids: [...new Set(body.identity_ids)],
            job_template: { authenticator_config_id: config.id },
          },
        },
      }) as BatchJob;
      return c.json(describe(batch));
    },

    getBatch(c: C): Response {
      const id = idParam(c, 'batch_id');
      return c.json(describe(found(deps.repos.batchJobs.get(c.get('realmId'), id), 'BatchCredentialBindingJob', id)));
    },
  };
}
