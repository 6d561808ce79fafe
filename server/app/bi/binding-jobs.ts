import { z } from 'zod';
import { BiError } from './errors';
import { idSegment, lookup, type BiHttp } from './http';

export const BINDING_JOB_STATES = ['LINK_SENT', 'LINK_OPENED', 'REQUEST_DELIVERED', 'COMPLETE', 'EXPIRED', 'FAILED_TO_SEND', 'REVOKED'] as const;

/** The fields of a credential binding job that the app reads. */
export const biBindingJob = z.object({
  id: z.string(),
  identity_id: z.string(),
  delivery_method: z.string(),
  // A string, not an enum: a state Beyond Identity adds later must not break reading the job.
  state: z.string(),
  post_binding_redirect_uri: z.string().optional(),
  expire_time: z.string(),
});
export type BiBindingJob = z.infer<typeof biBindingJob>;

const createResponse = z.object({
  credential_binding_job: biBindingJob,
  credential_binding_link: z.string().optional(),
});

export interface NewBindingJob {
  /**
   * RETURN hands the binding link to us (for the person's browser, now);
   * EMAIL makes Beyond Identity mail it to the identity's primary email address.
   */
  deliveryMethod: 'RETURN' | 'EMAIL';
  /** Absolute; Beyond Identity only accepts the Invoke URL's origin or a trusted origin. */
  postBindingRedirectUri?: string;
}

/** Credential binding jobs: CreateCredentialBindingJob and GetCredentialBindingJob. */
export function bindingJobsClient(http: BiHttp, authenticatorConfigId: string) {
  const jobsPath = (identityId: string) => `/identities/${idSegment(identityId)}/credential-binding-jobs`;
  return {
    /**
     * Creates a job under the app's authenticator config (its Invoke URL is
     * where the binding link lands). @throws {BiError} `unprocessable` for an
     * EMAIL job when the identity has no email address, `not_found` for an unknown identity.
     */
    async create(identityId: string, input: NewBindingJob): Promise<{ job: BiBindingJob; link?: string }> {
      const created = await http.management('CreateCredentialBindingJob', 'POST', jobsPath(identityId), createResponse, {
        job: {
          delivery_method: input.deliveryMethod,
          authenticator_config_id: authenticatorConfigId,
          ...(input.postBindingRedirectUri ? { post_binding_redirect_uri: input.postBindingRedirectUri } : {}),
        },
      });
      if (input.deliveryMethod === 'RETURN' && !created.credential_binding_link) {
        throw new BiError('cloud_error', { operation: 'CreateCredentialBindingJob', message: 'RETURN job without credential_binding_link' });
      }
      return {
        job: created.credential_binding_job,
        ...(created.credential_binding_link ? { link: created.credential_binding_link } : {}),
      };
    },

    /**
     * GetCredentialBindingJob. @throws {BiError} `not_found` when the identity has no such job,
     * or the cloud refuses an id as malformed (see `lookup`).
     */
    async get(identityId: string, jobId: string): Promise<BiBindingJob> {
      return await lookup(() => http.management('GetCredentialBindingJob', 'GET', `${jobsPath(identityId)}/${idSegment(jobId)}`, biBindingJob));
    },
  };
}

export type BindingJobsClient = ReturnType<typeof bindingJobsClient>;
