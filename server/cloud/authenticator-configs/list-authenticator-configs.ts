import type { ListAuthenticatorConfigsResponse } from '../../../contracts/bi/authenticator-config';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';

export const listAuthenticatorConfigs = defineOperation({
  id: 'ListAuthenticatorConfigs',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/authenticator-configs',
  scope: 'authenticator-configs:read',
  level: 'realm',
  handle: ({ params, query, deps }): ListAuthenticatorConfigsResponse => {
    const page = readPage(query, { defaultSize: 100, maxSize: 100 });
    const { items, ...rest } = deps.repos.authenticatorConfigs.list(params.realm_id!, page);
    return { authenticator_configs: items, ...rest };
  },
});
