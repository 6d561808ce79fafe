import type { Hono } from 'hono';
import type { CloudDeps, CloudEnv } from '../deps';
import { trustedCors } from '../http/cors';
import { authorize } from './authorize';
import { biAuthenticate, createSignInDenials } from './bi-authenticate';
import { findClientApp } from './client-app';
import { discovery, jwks } from './discovery';
import { userinfo } from './userinfo';

const ISSUER = '/v1/tenants/:tenant_id/realms/:realm_id/applications/:application_id';

/**
 * OpenID Connect for each application (its issuer is `{auth_base}{ISSUER}`):
 * discovery, authorize, the SDK's `bi-authenticate` proof, userinfo and the
 * JWKS. The token endpoint is shared with client credentials (tokens/).
 */
export function mountOidc(app: Hono<CloudEnv>, deps: CloudDeps): void {
  app.get(`${ISSUER}/.well-known/openid-configuration`, (c) => discovery(c, deps));
  app.get(`${ISSUER}/.well-known/jwks.json`, (c) => jwks(c, deps));
  app.get(`${ISSUER}/authorize`, (c) => authorize(c, deps));
  app.on(['GET', 'POST'], `${ISSUER}/userinfo`, (c) => userinfo(c, deps));
  // The SDK posts the proof from the app's page: CORS for the application's trusted origins only.
  app.use(
    `${ISSUER}/bi-authenticate`,
    trustedCors({
      origins: (c) => findClientApp(deps, c.req.param())?.config?.config?.trusted_origins ?? [],
      methods: ['POST'],
      headers: ['content-type', 'x-correlation-id'],
      maxAgeSeconds: 600,
    }),
  );
  const denials = createSignInDenials(deps);
  app.post(`${ISSUER}/bi-authenticate`, (c) => biAuthenticate(c, deps, denials));
}
