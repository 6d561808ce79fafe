import type { Hono, MiddlewareHandler } from 'hono';
import type { CloudDeps, CloudEnv } from '../deps';
import { trustedCors } from '../http/cors';
import { bind } from './bind';
import { bearer, findBindingLink } from './binding-token';
import { getInfo } from './get-info';
import { invokeAuthenticator } from './invoke-authenticator';

const JOB = '/v1/tenants/:tenant_id/realms/:realm_id/identities/:identity_id/credential-binding-jobs/:job_id';

/**
 * The authenticator protocol the real SDK speaks (see bi-protocol.md):
 * the binding link, `:getInfo` and `:bind`. CORS is granted only to the
 * job's authenticator config's `trusted_origins`; that is what the field
 * means in Beyond Identity, and it keeps other sites from driving a bind.
 */
export function mountBindingProtocol(app: Hono<CloudEnv>, deps: CloudDeps): void {
  // One lookup per request, shared by CORS and the handler: the link's
  // token is in the query for the binding link, a Bearer header otherwise.
  const lookup: MiddlewareHandler<CloudEnv> = async (c, next) => {
    // HEAD too (Hono answers it with the GET handler): link checkers and mail scanners send it.
    const token = c.req.method === 'GET' || c.req.method === 'HEAD' ? c.req.query('token') : bearer(c.req.header('authorization'));
    c.set('binding', { token, link: findBindingLink(deps, c.req.param(), token) });
    await next();
  };
  const grant = trustedCors({
    origins: (c) =>
      (c.get('binding') as CloudEnv['Variables']['binding'])?.link?.config?.trusted_origins ??
      trustedOrigins(deps, c.req.param() as Record<string, string>),
    methods: ['GET', 'POST'],
    headers: ['authorization', 'content-type', 'x-correlation-id'],
    maxAgeSeconds: 600,
  });
  for (const verb of ['@invokeAuthenticator', '@getInfo', '@bind']) app.use(`${JOB}/${verb}`, lookup, grant);
  app.get(`${JOB}/@invokeAuthenticator`, (c) => invokeAuthenticator(c, deps));
  app.post(`${JOB}/@getInfo`, (c) => getInfo(c, deps));
  app.post(`${JOB}/@bind`, (c) => bind(c, deps));
}

/**
 * The trusted origins of the job named in the path, for requests whose token
 * does not open it (a preflight, a wrong or missing token) or whose config was
 * deleted: the browser must still be able to read the refusal.
 */
function trustedOrigins(deps: CloudDeps, params: Record<string, string>): string[] {
  const job = params.realm_id && params.job_id ? deps.repos.bindingJobs.get(params.realm_id, params.job_id, deps.clock()) : undefined;
  if (!job || job.tenant_id !== params.tenant_id || job.identity_id !== params.identity_id) return [];
  return deps.repos.authenticatorConfigs.trustedOrigins(job.realm_id, job.authenticator_config_id);
}
