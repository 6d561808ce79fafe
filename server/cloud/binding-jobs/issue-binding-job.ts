import type { BindingJob, DeliveryMethod } from '../../../contracts/bi/binding-job';
import { isHttpUrl } from '../../../contracts/bi/common';
import { found, invalidField, notFound, unprocessable } from '../../lib/api-error';
import { hashSecret, newSecret } from '../../lib/ids';
import type { CloudDeps } from '../deps';
import { seal } from '../mail/seal';
import { insertedJob } from './repository';

export interface IssueBindingJobInput {
  tenantId: string;
  realmId: string;
  identityId: string;
  deliveryMethod: DeliveryMethod;
  authenticatorConfigId: string;
  postBindingRedirectUri?: string | undefined;
  batchId?: string;
  actor: string;
  /** Field names for errors: `job.` for the single API, `job_template.` for batches. */
  fieldPrefix: string;
}

export interface IssuedBindingJob {
  job: BindingJob;
  /** The binding link; the only place the raw token ever exists. */
  link: string;
}

/**
 * Creates one credential binding job and its binding link. Call inside a
 * transaction: the job, its audit event (and, for EMAIL, its queued message)
 * commit together or not at all.
 */
export function issueBindingJob(deps: CloudDeps, input: IssueBindingJobInput, now: Date): IssuedBindingJob {
  const { identities, bindingJobs, audit } = deps.repos;
  const identity = found(identities.contact(input.realmId, input.identityId), 'Identity', input.identityId);
  checkJobTemplate(deps, input);
  if (input.deliveryMethod === 'EMAIL' && !identity.email) {
    throw unprocessable('Identity missing email address', { type: 'Identity', id: input.identityId });
  }
  // 384 random bits, URL-safe; only its hash is stored.
  const token = newSecret(48);
  const time = now.toISOString();
  const record = {
    tenant_id: input.tenantId,
    realm_id: input.realmId,
    identity_id: input.identityId,
    batch_id: input.batchId ?? null,
    delivery_method: input.deliveryMethod,
    state: 'LINK_SENT' as const,
    post_binding_redirect_uri: input.postBindingRedirectUri ?? null,
    authenticator_config_id: input.authenticatorConfigId,
    token_hash: hashSecret(token),
    expire_time: new Date(now.getTime() + deps.config.bindingTokenTtlSeconds * 1000).toISOString(),
    create_time: time,
    update_time: time,
  };
  const id = bindingJobs.insert(record);
  audit.record(
    {
      tenant_id: input.tenantId, realm_id: input.realmId, actor: input.actor, action: 'credential_binding_job.create',
      resource_type: 'CredentialBindingJob', resource_id: id, identity_id: input.identityId,
      detail: { delivery_method: input.deliveryMethod, ...(input.batchId ? { batch_id: input.batchId } : {}) },
    },
    now,
  );
  const link =
    `${deps.config.apiBaseUrl}/v1/tenants/${input.tenantId}/realms/${input.realmId}/identities/${input.identityId}` +
    `/credential-binding-jobs/${id}:invokeAuthenticator?token=${token}`;
  if (input.deliveryMethod === 'EMAIL') {
    // Queued in the job's own transaction: no job without its email, and the
    // API answers without waiting for SMTP.
    deps.repos.outbox.enqueue(id, identity.email!, seal(deps.secrets.sealKey, link), now);
    deps.onMailQueued();
  }
  return { job: insertedJob(id, record), link };
}

/**
 * Resolves the job's authenticator config (404) and checks its redirect (400).
 * A batch calls this once before anything is written: these errors belong to
 * the template, not to one identity, so they must fail the whole batch.
 */
export function checkJobTemplate(
  deps: CloudDeps,
  input: Pick<IssueBindingJobInput, 'realmId' | 'authenticatorConfigId' | 'postBindingRedirectUri' | 'fieldPrefix'>,
): void {
  const configs = deps.repos.authenticatorConfigs;
  if (input.postBindingRedirectUri === undefined) {
    // Without a redirect to check, the config only has to exist: reading and
    // parsing the whole config was 2% of job creation's CPU (bench:profile).
    if (!configs.exists(input.realmId, input.authenticatorConfigId)) throw notFound('AuthenticatorConfig', input.authenticatorConfigId);
    return;
  }
  const config = found(configs.get(input.realmId, input.authenticatorConfigId), 'AuthenticatorConfig', input.authenticatorConfigId);
  checkRedirect(input.postBindingRedirectUri, config.config, `${input.fieldPrefix}post_binding_redirect_uri`);
}

/**
 * The redirect after binding must stay on the app's side: its origin must be
 * the Invoke URL's or a trusted origin. Anything else would make the cloud an
 * open redirector for phishing links.
 */
function checkRedirect(
  uri: string,
  config: { type: string; invoke_url?: string; trusted_origins: string[] },
  field: string,
): void {
  if (!isHttpUrl(uri)) throw invalidField(field, 'must be an absolute http(s) URL');
  const origin = new URL(uri).origin;
  const allowed = new Set(config.trusted_origins.map((o) => new URL(o).origin));
  if (config.invoke_url) allowed.add(new URL(config.invoke_url).origin);
  if (!allowed.has(origin)) {
    throw invalidField(field, "origin must be the Invoke URL's or one of the authenticator config's trusted_origins");
  }
}
