import { z } from 'zod';

/**
 * `DATA_DIR/dev-tenant.json`, written by the local cloud on start: everything
 * a developer, a script or the app backend needs to drive the development
 * tenant. It holds secrets, so it lives only in DATA_DIR (mode 0600).
 */
export const devTenantSchema = z.object({
  api_base_url: z.string(),
  auth_base_url: z.string(),
  tenant_id: z.string(),
  realm_id: z.string(),
  management: z.object({
    application_id: z.string(),
    client_id: z.string(),
    client_secret: z.string(),
    api_token: z.string(),
  }),
  app: z.object({
    application_id: z.string(),
    authenticator_config_id: z.string(),
    invoke_url: z.string(),
    client_id: z.string(),
    client_secret: z.string(),
  }),
  /**
   * The Admin Console's sign-in (`{api_base_url}/console`). Absent in files
   * from runs before the console existed; the next start adds it.
   */
  console: z
    .object({
      url: z.string(),
      username: z.string(),
      password: z.string(),
    })
    .optional(),
});

export type DevTenant = z.infer<typeof devTenantSchema>;
