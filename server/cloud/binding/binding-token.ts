import type { AuthenticatorConfigBody } from '../../../contracts/bi/authenticator-config';
import { ApiError } from '../../lib/api-error';
import { hashSecret } from '../../lib/ids';
import type { BindingLinkRecord } from '../binding-jobs/repository';
import type { CloudDeps } from '../deps';

/** Why a binding token cannot be used; each has its own status and code. */
export type BindingTokenProblem = 'unknown' | 'expired' | 'revoked' | 'used' | 'undelivered' | 'config_deleted' | 'suspended';

/** A link that can be used now: its job's authenticator config is there (see `problemWith`). */
export type UsableLink = BindingLinkRecord & { token: string; config: AuthenticatorConfigBody };

/** A binding-protocol request's token and what it opens, looked up once per request. */
export interface BindingRequest {
  token: string | undefined;
  link: BindingLinkRecord | undefined;
}

/**
 * The job a binding-protocol URL names, when the token is that job's (with its
 * identity's status and its authenticator config), and the URL's other ids are
 * the job's too: a token only works on its own job's URL. Found by the job's id
 * and the token's hash compared after (no index on the hash: see migration 9).
 * Does not judge the job's state: see `usableLink`.
 */
export function findBindingLink(
  deps: CloudDeps,
  path: { tenant_id?: string; realm_id?: string; identity_id?: string; job_id?: string },
  token: string | undefined,
): BindingLinkRecord | undefined {
  if (!token || !path.job_id) return undefined;
  const link = deps.repos.bindingJobs.getLink(path.job_id, hashSecret(token), deps.clock());
  if (!link) return undefined;
  const { job } = link;
  const matches = job.tenant_id === path.tenant_id && job.realm_id === path.realm_id && job.identity_id === path.identity_id;
  return matches ? link : undefined;
}

/**
 * What is wrong with using this link now, or undefined when it is usable. Only the pending
 * states (LINK_SENT, LINK_OPENED, REQUEST_DELIVERED) can be; every other state is final, and
 * every use of the link (`:invokeAuthenticator`, `:getInfo`, `:bind`) judges it here alike.
 */
export function problemWith(link: BindingLinkRecord | undefined): BindingTokenProblem | undefined {
  if (!link) return 'unknown';
  switch (link.job.state) {
    case 'EXPIRED':
      return 'expired';
    case 'REVOKED':
      return 'revoked';
    case 'COMPLETE':
      return 'used';
    case 'FAILED_TO_SEND':
      // The cloud gave the link up: its job reads failed, and a batch counts it as a failure.
      // A copy may still reach someone (a send timed out but went through, delivery is at least
      // once); it must not bind behind a job that says it never arrived.
      return 'undelivered';
    case 'LINK_SENT':
    case 'LINK_OPENED':
    case 'REQUEST_DELIVERED':
      // DeleteAuthenticatorConfig revokes the pending jobs that use the config; this catches one
      // it did not (a database from before it did): `:getInfo` must never send a null config.
      if (!link.config) return 'config_deleted';
      return link.identityStatus === 'suspended' ? 'suspended' : undefined;
    default:
      // A state Beyond Identity adds later is not taken as usable.
      return 'unknown';
  }
}

/**
 * The refusal for each problem. Distinct statuses let a client (the app's
 * `/bind` page, via its backend) tell a person exactly what happened, since
 * the SDK itself only reports "The server responded with a … error".
 */
export function bindingTokenError(problem: BindingTokenProblem, jobId?: string): ApiError {
  const resource = (description: string) =>
    jobId ? [{ type: 'ResourceInfo' as const, resource_type: 'CredentialBindingJob', id: jobId, description }] : undefined;
  switch (problem) {
    case 'unknown':
      return new ApiError(404, 'not_found', 'credential binding link not found');
    case 'expired':
      return new ApiError(410, 'gone', 'credential binding link has expired', resource('expired'));
    case 'revoked':
      return new ApiError(403, 'forbidden', 'credential binding link has been revoked', resource('revoked'));
    case 'used':
      return new ApiError(409, 'conflict', 'credential binding link has already been used', resource('used'));
    case 'undelivered':
      // Gone for good, like an expired link: nothing the holder can do makes it work again.
      return new ApiError(410, 'gone', 'credential binding link could not be delivered', resource('failed to send'));
    case 'config_deleted':
      // What the link would have been revoked with, had the deletion found its job pending.
      return new ApiError(403, 'forbidden', 'credential binding link can no longer be used: its authenticator config was deleted', resource('authenticator config deleted'));
    case 'suspended':
      return new ApiError(403, 'forbidden', 'identity is suspended', resource('identity suspended'));
  }
}

/** The usable link of this request, or the refusal. */
export function usableLink(request: BindingRequest | undefined): UsableLink {
  const link = request?.link;
  const problem = problemWith(link);
  if (problem) throw bindingTokenError(problem, link?.job.id);
  return { ...link!, config: link!.config!, token: request!.token! };
}

/** The bearer token of an `Authorization: Bearer …` header. */
export function bearer(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}
