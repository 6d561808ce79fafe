import { ApiError } from '../../lib/api-error';
import { hashSecret } from '../../lib/ids';
import type { Db } from '../db/open';
import type { StoredBindingJob } from '../binding-jobs/repository';
import type { CloudDeps } from '../deps';

/** Why a binding token cannot be used; each has its own status and code. */
export type BindingTokenProblem = 'unknown' | 'expired' | 'revoked' | 'used' | 'suspended';

/**
 * The job a binding token belongs to, looked up by the token's hash and
 * checked against the ids in the path (a token only works on its own job's
 * URL). Does not judge the job's state: see `usableJob`.
 */
export function jobForToken(
  deps: CloudDeps,
  path: { tenant_id?: string; realm_id?: string; identity_id?: string; job_id?: string },
  token: string | undefined,
): StoredBindingJob | undefined {
  if (!token) return undefined;
  const job = deps.repos.bindingJobs.getByTokenHash(hashSecret(token), deps.clock());
  if (!job) return undefined;
  const matches =
    job.tenant_id === path.tenant_id && job.realm_id === path.realm_id &&
    job.identity_id === path.identity_id && job.id === path.job_id;
  return matches ? job : undefined;
}

/** What is wrong with using this job's link now, or undefined when it is usable. */
export function problemWith(deps: CloudDeps, job: StoredBindingJob | undefined): BindingTokenProblem | undefined {
  if (!job) return 'unknown';
  switch (job.state) {
    case 'EXPIRED':
      return 'expired';
    case 'REVOKED':
      return 'revoked';
    case 'COMPLETE':
      return 'used';
    default: {
      const identity = deps.repos.identities.get(job.realm_id, job.identity_id, deps.clock());
      return identity?.status === 'suspended' ? 'suspended' : undefined;
    }
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
    case 'suspended':
      return new ApiError(403, 'forbidden', 'identity is suspended', resource('identity suspended'));
  }
}

/** The usable job for a token, or the refusal. */
export function usableJob(
  deps: CloudDeps,
  path: Record<string, string | undefined>,
  token: string | undefined,
): StoredBindingJob {
  const job = jobForToken(deps, path, token);
  const problem = problemWith(deps, job);
  if (problem) throw bindingTokenError(problem, job?.id);
  return job!;
}

/** The bearer token of an `Authorization: Bearer …` header. */
export function bearer(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

export type { Db };
