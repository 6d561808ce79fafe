import type { Context } from 'hono';
import type { Application } from '../../../../contracts/bi/application';
import type { AuthenticatorConfig } from '../../../../contracts/bi/authenticator-config';
import {
  createApplicationRequest,
  createAuthenticatorConfigRequest,
  updateApplicationRequest,
  updateAuthenticatorConfigRequest,
  type ListApplicationsResponse,
  type ListAuthenticatorConfigsResponse,
} from '../../../../contracts/console-api';
import { createApplication } from '../../applications/create-application';
import { updateApplication } from '../../applications/update-application';
import { createAuthenticatorConfig } from '../../authenticator-configs/create-authenticator-config';
import { updateAuthenticatorConfig } from '../../authenticator-configs/update-authenticator-config';
import type { CloudDeps } from '../../deps';
import { readJsonBody } from '../../http/operation';
import { idParam, runAsAdmin } from '../as-admin';
import type { ConsoleEnv } from '../session';

type C = Context<ConsoleEnv>;

/** A realm holds a handful of these; the console lists them whole. */
const ALL = { afterSeq: 0, skip: 0, size: 200, filter: '' };

/** Applications and authenticator configs, with Beyond Identity's own bodies and handlers. */
export function applicationRoutes(deps: CloudDeps) {
  const { applications, authenticatorConfigs } = deps.repos;
  return {
    listApplications(c: C): Response {
      const realmId = c.get('realmId');
      const rows = applications.list(realmId, ALL).items.map((application) => {
        const config = application.authenticator_config_id ? authenticatorConfigs.get(realmId, application.authenticator_config_id) : undefined;
        return { application, authenticator_config: config ?? null, can_bind: config?.config.type === 'embedded' };
      });
      return c.json({ applications: rows } satisfies ListApplicationsResponse);
    },

    async createApplication(c: C): Promise<Response> {
      const body = await readJsonBody(c, createApplicationRequest);
      return c.json(await runAsAdmin(c, deps, createApplication, { body }) as Application);
    },

    async updateApplication(c: C): Promise<Response> {
      const params = { application_id: idParam(c, 'application_id') };
      const body = await readJsonBody(c, updateApplicationRequest);
      return c.json(await runAsAdmin(c, deps, updateApplication, { params, body }) as Application);
    },

    listAuthenticatorConfigs(c: C): Response {
      const { items } = authenticatorConfigs.list(c.get('realmId'), ALL);
      return c.json({ authenticator_configs: items } satisfies ListAuthenticatorConfigsResponse);
    },

    async createAuthenticatorConfig(c: C): Promise<Response> {
      const body = await readJsonBody(c, createAuthenticatorConfigRequest);
      return c.json(await runAsAdmin(c, deps, createAuthenticatorConfig, { body }) as AuthenticatorConfig);
    },

    async updateAuthenticatorConfig(c: C): Promise<Response> {
      const params = { authenticator_config_id: idParam(c, 'authenticator_config_id') };
      const body = await readJsonBody(c, updateAuthenticatorConfigRequest);
      return c.json(await runAsAdmin(c, deps, updateAuthenticatorConfig, { params, body }) as AuthenticatorConfig);
    },
  };
}
