import { z } from 'zod';

export type DeliveryMethod = 'RETURN' | 'EMAIL';
export type BindingJobState =
  | 'LINK_SENT'
  | 'LINK_OPENED'
  | 'REQUEST_DELIVERED'
  | 'COMPLETE'
  | 'EXPIRED'
  | 'FAILED_TO_SEND'
  | 'REVOKED';

/** A credential binding job as Beyond Identity returns it. */
export interface BindingJob {
  id: string;
  identity_id: string;
  realm_id: string;
  tenant_id: string;
  credential_id?: string;
  batch_id?: string;
  delivery_method: DeliveryMethod;
  state: BindingJobState;
  post_binding_redirect_uri?: string;
  authenticator_config_id: string;
  expire_time: string;
  create_time: string;
  update_time: string;
}

/** Response of CreateCredentialBindingJob; the binding link comes only for RETURN. */
export interface CreateBindingJobResponse {
  credential_binding_job: BindingJob;
  credential_binding_link?: string;
}

const configId = z
  .string({ error: 'empty string' })
  .min(1, 'empty string')
  .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hexadecimal characters');

const redirectUri = z.string().max(2048);

export const createBindingJobBody = z.object({
  job: z.object({
    delivery_method: z.enum(['RETURN', 'EMAIL'], { error: 'must be RETURN or EMAIL' }),
    authenticator_config_id: configId,
    post_binding_redirect_uri: redirectUri.optional(),
  }),
});

export const createBatchJobBody = z.object({
  batch_credential_binding_job: z.object({
    identity_ids: z
      .array(z.string().min(1))
      .min(1, 'must name at least one identity')
      .max(1000, 'must name at most 1000 identities'),
    job_template: z.object({
      authenticator_config_id: configId,
      post_binding_redirect_uri: redirectUri.optional(),
    }),
  }),
});

export interface ListBindingJobsResponse {
  credential_binding_jobs: BindingJob[];
  total_size: number;
  next_page_token?: string;
}

export type BatchJobState = 'RUNNING' | 'FAILED' | 'PARTIAL_SUCCESS' | 'SUCCESS';

/** A batch credential binding job as Beyond Identity returns it (unwrapped). */
export interface BatchJob {
  id: string;
  tenant_id: string;
  realm_id: string;
  identity_ids: string[];
  state: BatchJobState;
  state_commentary: { errors: Record<string, { last_error: string; failed_permanently: boolean }> };
  job_template: { authenticator_config_id: string; post_binding_redirect_uri?: string };
  create_time: string;
  update_time: string;
}
