import { defineOperation } from '../http/operation';

export const getActiveTheme = defineOperation({
  id: 'GetActiveTheme',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/themes/active',
  scope: 'themes:read',
  level: 'realm',
  handle: ({ params, deps }) => deps.repos.themes.active(params.tenant_id!, params.realm_id!),
});
