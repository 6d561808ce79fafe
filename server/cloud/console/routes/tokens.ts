import type { Context } from 'hono';
import {
  createTokenRequest,
  listTokensQuery,
  type CreateTokenResponse,
  type ListTokensResponse,
} from '../../../../contracts/console-api';
import { invalidField, notFound } from '../../../lib/api-error';
import type { CloudDeps } from '../../deps';
import { readJsonBody } from '../../http/operation';
import { grantableScopes } from '../../applications/protocol-rules';
import { readPage } from '../../http/paging';
import { revokeToken } from '../../tokens/revoke-token';
import { actorOf, idParam, runAsAdmin } from '../as-admin';
import { readQuery } from '../errors';
import type { ConsoleEnv } from '../session';
import { tokenRow } from '../views';

type C = Context<ConsoleEnv>;

/** The token endpoint's lifetime when the application sets none (tokens/issue-token.ts). */
const DEFAULT_LIFETIME_SECONDS = 3600;

/** API tokens of the realm's Management API application: list, create (shown once), revoke. */
export function tokenRoutes(deps: CloudDeps) {
  /** The realm's managed Management API application, with what a new token may have. */
  function managementApp(c: C) {
    const realmId = c.get('realmId');
    const id = deps.repos.console.managementApplicationId(realmId);
    const app = id ? deps.repos.applications.get(realmId, id) : undefined;
    if (!app) throw notFound('Application', 'management');
    return {
      app,
      // What the token endpoint would grant it: one rule for both ways of minting a token.
      allowedScopes: [...grantableScopes(app)],
      maxLifetime: app.protocol_config?.token_configuration?.expires_after || DEFAULT_LIFETIME_SECONDS,
    };
  }

  return {
    listTokens(c: C): Response {
      const { app, allowedScopes, maxLifetime } = managementApp(c);
      const query = readQuery(c, listTokensQuery);
      const page = readPage({ page_size: query.page_size?.toString(), page_token: query.page_token }, { defaultSize: 100, maxSize: 100 });
      const nowSeconds = Math.floor(deps.clock().getTime() / 1000);
      const { items, ...rest } = deps.repos.tokens.listActive(app.id, nowSeconds, {}, page);
      return c.json({
        application_id: app.id,
        allowed_scopes: allowedScopes,
        max_lifetime_seconds: maxLifetime,
        tokens: items.map(tokenRow),
        ...rest,
      } satisfies ListTokensResponse);
    },

    /**
     * Mints a token as the token endpoint would for the application's client
     * credentials (same repository, same audit action), without the console
     * ever holding the client secret.
     */
    async createToken(c: C): Promise<Response> {
      const { app, allowedScopes, maxLifetime } = managementApp(c);
      const body = await readJsonBody(c, createTokenRequest);
      const scopes = [...new Set(body.scopes)];
      const refused = scopes.filter((scope) => !allowedScopes.includes(scope));
      if (refused.length > 0) throw invalidField('scopes', `not allowed for this application: ${refused.join(' ')}`);
      const lifetime = body.lifetime_seconds ?? maxLifetime;
      if (lifetime > maxLifetime) throw invalidField('lifetime_seconds', `must be at most ${maxLifetime}`);
      const now = deps.clock();
      const issued = await deps.write(() => {
        const token = deps.repos.tokens.issue({
          tenantId: app.tenant_id,
          realmId: app.realm_id,
          applicationId: app.id,
          scopes,
          lifetimeSeconds: lifetime,
          ...(body.display_name ? { displayName: body.display_name } : {}),
          now,
        });
        deps.repos.audit.record(
          { tenant_id: app.tenant_id, realm_id: app.realm_id, actor: actorOf(c), action: 'token.issue', resource_type: 'Token', resource_id: token.id, detail: { scopes: scopes.length } },
          now,
        );
        return token;
      });
      const issuedAt = Math.floor(now.getTime() / 1000);
      return c.json({
        token: tokenRow({
          id: issued.id,
          ...(body.display_name ? { display_name: body.display_name } : {}),
          scopes: issued.scopes,
          token_suffix: issued.accessToken.slice(-8),
          token_format: 'referential',
          expires: issuedAt + issued.expiresIn,
          issued_at: issuedAt,
          token_type: 'access',
        }),
        access_token: issued.accessToken,
      } satisfies CreateTokenResponse);
    },

    async revokeToken(c: C): Promise<Response> {
      const { app } = managementApp(c);
      await runAsAdmin(c, deps, revokeToken, { params: { application_id: app.id, token_id: idParam(c, 'token_id') } });
      return c.body(null, 204);
    },
  };
}
