import { previewRequest, type BindLinkParams, type PreviewResponse } from '../../../contracts/app-api';
import type { BiBindingJob } from '../bi/binding-jobs';
import { BiError, type BiErrorCode } from '../bi/errors';
import { isWellFormedId } from '../bi/http';
import type { AppDeps, AppHono } from '../deps';
import { enforce } from '../deps';
import { clientIp, readJson } from '../request';
import type { Session } from '../session';

const INVALID: PreviewResponse = { state: 'invalid' };

/** RFC 6750 `b64token`: anything else cannot be a binding token, and must not reach an `Authorization` header. */
const TOKEN = /^[A-Za-z0-9\-._~+/]{1,1024}=*$/;

/** Answers from `:getInfo` that mean "this link cannot be used"; anything else is the cloud's failure, not the link's. */
const LINK_REFUSALS: readonly BiErrorCode[] = ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'gone', 'unprocessable'];

/**
 * `POST /api/binding-link/preview`: whose passkey a link creates and whether
 * it can still be used, so the `/bind` page can say so before the person
 * clicks. Never consumes the link: it only calls `:getInfo` and reads the job.
 */
export function mountPreview(app: AppHono, deps: AppDeps): void {
  app.post('/api/binding-link/preview', async (c) => {
    enforce(deps.limits.previewPerIp, clientIp(c));
    const body = await readJson(c, previewRequest);
    c.header('Cache-Control', 'no-store');
    if ('own' in body) return c.json(await previewOwn(deps, await deps.sessions.require(c), body.job_id));
    return c.json(await previewEmailLink(deps, body));
  });
}

/**
 * The EMAIL redirect's parameters. They come from a URL anyone can craft, so
 * the link must point at the Beyond Identity this backend is configured for:
 * a different `api_base_url`, tenant or realm is `invalid` without any
 * request (calling a URL from the request would be SSRF).
 */
async function previewEmailLink(deps: AppDeps, params: BindLinkParams): Promise<PreviewResponse> {
  const bi = deps.config.bi;
  if (
    !sameApiBase(params.api_base_url, bi.apiBaseUrl) ||
    params.tenant_id !== bi.tenantId ||
    params.realm_id !== bi.realmId ||
    !isWellFormedId(params.identity_id) ||
    !isWellFormedId(params.job_id) ||
    !TOKEN.test(params.token)
  ) {
    return INVALID;
  }
  let info;
  try {
    info = await deps.bi.bindingLinkInfo.get(params.identity_id, params.job_id, params.token);
  } catch (error) {
    if (!(error instanceof BiError) || !LINK_REFUSALS.includes(error.code)) throw error;
    // `:getInfo` refused the token. Its status hints at why, but the job's
    // state (management API) says it for certain, in Beyond Identity's own terms.
    const job = await findJob(deps, params.identity_id, params.job_id);
    const state = job ? linkState(job) : 'invalid';
    // A job that looks usable but whose token was refused: wrong token, or a suspended identity.
    return { state: state === 'usable' ? 'invalid' : state };
  }
  const job = await findJob(deps, params.identity_id, params.job_id);
  return {
    state: 'usable',
    identity: { username: info.identity.traits.username, display_name: info.identity.display_name },
    realm: { display_name: info.realm.display_name },
    ...(job ? { expire_time: job.expire_time } : {}),
  };
}

/** The signed-in person's own RETURN link, by job id: the job must be theirs. */
async function previewOwn(deps: AppDeps, session: Session, jobId: string): Promise<PreviewResponse> {
  if (!isWellFormedId(jobId)) return INVALID;
  const job = await findJob(deps, session.identity_id, jobId);
  if (!job || job.identity_id !== session.identity_id) return INVALID;
  const state = linkState(job);
  if (state !== 'usable') return { state };
  return {
    state,
    identity: { username: session.username, display_name: session.display_name },
    expire_time: job.expire_time,
  };
}

/** The link's state from its job's. */
function linkState(job: BiBindingJob): PreviewResponse['state'] {
  switch (job.state) {
    case 'LINK_SENT':
    case 'LINK_OPENED':
    case 'REQUEST_DELIVERED':
      return 'usable';
    case 'EXPIRED':
      return 'expired';
    case 'COMPLETE':
      return 'used';
    case 'REVOKED':
    // The cloud gave the link up after its email failed; a copy that arrived late cannot bind.
    // For the person it is a cancelled link like a revoked one, with the same next step: a new link.
    case 'FAILED_TO_SEND':
      return 'revoked';
    default:
      // A state Beyond Identity adds later.
      return 'invalid';
  }
}

async function findJob(deps: AppDeps, identityId: string, jobId: string): Promise<BiBindingJob | undefined> {
  try {
    return await deps.bi.bindingJobs.get(identityId, jobId);
  } catch (error) {
    if (error instanceof BiError && error.code === 'not_found') return undefined;
    throw error;
  }
}

/** Same scheme, host, port and path (ignoring trailing slashes); nothing else in the URL. */
function sameApiBase(candidate: string, configured: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash) return false;
  const normalise = (u: URL) => `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  return normalise(url) === normalise(new URL(configured));
}
