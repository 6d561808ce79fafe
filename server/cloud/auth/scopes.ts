/**
 * Every scope named in the `security` of Beyond Identity's OpenAPI file.
 * The seeded "Management API" application may grant all of them, as Beyond
 * Identity's own Management API application does.
 */
export const MANAGEMENT_SCOPES = [
  'applications:create', 'applications:delete', 'applications:read', 'applications:update',
  'authenticator-configs:create', 'authenticator-configs:delete', 'authenticator-configs:read',
  'authenticator-configs:update', 'credential-binding-jobs:create', 'credential-binding-jobs:read',
  'credential-binding-jobs:revoke', 'credentials:read', 'credentials:revoke', 'flow-type:create',
  'flow-type:read', 'flow-type:update', 'groups:create', 'groups:delete', 'groups:read', 'groups:update',
  'identities:create', 'identities:delete', 'identities:read', 'identities:update', 'realms:create',
  'realms:delete', 'realms:read', 'realms:update', 'resource-servers:create', 'resource-servers:delete',
  'resource-servers:read', 'resource-servers:update', 'roles:create', 'roles:delete', 'roles:read',
  'roles:update', 'scim:groups:create', 'scim:groups:delete', 'scim:groups:read', 'scim:groups:update',
  'scim:users:create', 'scim:users:delete', 'scim:users:read', 'scim:users:update', 'sso-configs:create',
  'sso-configs:delete', 'sso-configs:read', 'sso-configs:update', 'tenants:read', 'tenants:update',
  'themes:create', 'themes:read', 'themes:update', 'tokens:delete', 'tokens:read',
] as const;

export type Scope = (typeof MANAGEMENT_SCOPES)[number];
