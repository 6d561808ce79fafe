import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const getTheme = defineOperation({
  id: 'GetTheme',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/themes/:theme_id',
  scope: 'themes:read',
  level: 'realm',
  handle: ({ params, deps }) => found(deps.repos.themes.get(params.realm_id!, params.theme_id!), 'Theme', params.theme_id!),
});
