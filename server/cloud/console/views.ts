import type { Credential } from '../../../contracts/bi/credential';
import type { Identity } from '../../../contracts/bi/identity';
import {
  TERMINAL_JOB_STATES,
  type CredentialRow,
  type IdentityDetail,
  type IdentityRow,
  type JobRow,
  type TokenRow,
} from '../../../contracts/console-api';
import { found, unprocessable } from '../../lib/api-error';
import type { StoredBindingJob } from '../binding-jobs/repository';
import type { CloudDeps } from '../deps';
import type { TokenView } from '../tokens/repository';

/** An identity as a row of the console's list. */
export function identityRow(identity: Identity): IdentityRow {
  return {
    id: identity.id,
    username: identity.traits.username,
    display_name: identity.display_name,
    email: identity.traits.primary_email_address ?? null,
    status: identity.status,
    enrollment_status: identity.enrollment_status,
    // ENROLLED is derived from the same fact: an ACTIVE credential exists (identities/repository.ts).
    passkey_bound: identity.enrollment_status === 'ENROLLED',
    create_time: identity.create_time,
    update_time: identity.update_time,
  };
}

export function identityDetail(identity: Identity): IdentityDetail {
  const traits = Object.fromEntries(
    Object.entries(identity.traits).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  return { ...identityRow(identity), traits };
}

export function credentialRow(credential: Credential): CredentialRow {
  return {
    id: credential.id,
    state: credential.state,
    csr_type: credential.csr_type,
    jwk_thumbprint: credential.jwk_thumbprint,
    create_time: credential.create_time,
    update_time: credential.update_time,
  };
}

/** A binding job with what the console shows beside the API's fields: its reason and its email's delivery. */
export function jobRow(deps: CloudDeps, job: StoredBindingJob): JobRow {
  const mail = job.delivery_method === 'EMAIL' ? deps.repos.outbox.latestForJob(job.id) : undefined;
  return {
    id: job.id,
    identity_id: job.identity_id,
    delivery_method: job.delivery_method,
    state: job.state,
    state_reason: job.state_reason ?? null,
    terminal: (TERMINAL_JOB_STATES as readonly string[]).includes(job.state),
    authenticator_config_id: job.authenticator_config_id,
    application_id: deps.repos.applications.idUsingAuthenticatorConfig(job.authenticator_config_id) ?? null,
    batch_id: job.batch_id ?? null,
    credential_id: job.credential_id ?? null,
    post_binding_redirect_uri: job.post_binding_redirect_uri ?? null,
    create_time: job.create_time,
    update_time: job.update_time,
    expire_time: job.expire_time,
    email: mail
      ? { recipient: mail.recipient, state: mail.state, attempts: mail.attempts, last_error: mail.last_error, sent_time: mail.sent_time }
      : null,
  };
}

/** A job of the realm by id, as a row; undefined when it does not exist or belongs to another identity. */
export function findJobRow(deps: CloudDeps, realmId: string, identityId: string, jobId: string): JobRow | undefined {
  const job = deps.repos.bindingJobs.get(realmId, jobId, deps.clock());
  return job && job.identity_id === identityId ? jobRow(deps, job) : undefined;
}

export function tokenRow(token: TokenView): TokenRow {
  return {
    id: token.id,
    display_name: token.display_name ?? null,
    scopes: token.scopes,
    token_suffix: token.token_suffix,
    issue_time: new Date(token.issued_at * 1000).toISOString(),
    expire_time: new Date(token.expires * 1000).toISOString(),
  };
}

/**
 * An application that "Add a passkey" can use, with its authenticator config:
 * 404 when the application is unknown, 422 when it has no `embedded` config
 * (a binding link must lead to an Invoke URL).
 */
export function bindingApplication(deps: CloudDeps, realmId: string, applicationId: string) {
  const app = found(deps.repos.applications.get(realmId, applicationId), 'Application', applicationId);
  const config = app.authenticator_config_id ? deps.repos.authenticatorConfigs.get(realmId, app.authenticator_config_id) : undefined;
  if (!config || config.config.type !== 'embedded') {
    throw unprocessable('application has no embedded authenticator config, so it cannot bind passkeys', { type: 'Application', id: app.id });
  }
  return { app, config };
}
