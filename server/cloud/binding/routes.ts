import type { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { CloudDeps, CloudEnv } from '../deps';
import { bind } from './bind';
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
  const grant = cors({
    origin: (origin, c) => (trustedOrigins(deps, c.req.param() as Record<string, string>).includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['authorization', 'content-type', 'x-correlation-id'],
    maxAge: 600,
  });
  for (const verb of ['@invokeAuthenticator', '@getInfo', '@bind']) app.use(`${JOB}/${verb}`, grant);
  app.get(`${JOB}/@invokeAuthenticator`, (c) => invokeAuthenticator(c, deps));
  app.post(`${JOB}/@getInfo`, (c) => getInfo(c, deps));
  app.post(`${JOB}/@bind`, (c) => bind(c, deps));
}

/** The trusted origins of the job's authenticator config (none for an unknown job). */
function trustedOrigins(deps: CloudDeps, params: Record<string, string>): string[] {
  const job = params.realm_id && params.job_id ? deps.repos.bindingJobs.get(params.realm_id, params.job_id, deps.clock()) : undefined;
  if (!job || job.tenant_id !== params.tenant_id || job.identity_id !== params.identity_id) return [];
  const config = deps.repos.authenticatorConfigs.get(job.realm_id, job.authenticator_config_id)?.config;
  return (config?.trusted_origins ?? []).map((origin) => origin.replace(/\/$/, ''));
}
