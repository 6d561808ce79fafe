import type { ListAuthenticatorConfigsResponse } from '../../../contracts/bi/authenticator-config';
import { parseFilter } from '../http/filter';
import { defineOperation } from '../http/operation';
import { readPage } from '../http/paging';
import { AUTHENTICATOR_CONFIG_FILTERS } from './repository';

export const listAuthenticatorConfigs = defineOperation({
  id: 'ListAuthenticatorConfigs',
  method: 'get',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/authenticator-configs',
  scope: 'authenticator-configs:read',
  level: 'realm',
  handle: ({ params, query, deps }): ListAuthenticatorConfigsResponse => {
    const page = readPage(query, { defaultSize: 100, maxSize: 100 });
    // The spec gives ListAuthenticatorConfigs a `filter` parameter without naming attributes: see AUTHENTICATOR_CONFIG_FILTERS.
    const terms = parseFilter(page.filter, Object.keys(AUTHENTICATOR_CONFIG_FILTERS));
    const { items, ...rest } = deps.repos.authenticatorConfigs.list(params.realm_id!, page, terms);
    return { authenticator_configs: items, ...rest };
  },
});
