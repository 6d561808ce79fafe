import { updateThemeBody } from '../../../contracts/bi/theme';
import { found } from '../../lib/api-error';
import { defineOperation } from '../http/operation';

export const updateTheme = defineOperation({
  id: 'UpdateTheme',
  method: 'patch',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/themes/:theme_id',
  scope: 'themes:update',
  level: 'realm',
  body: updateThemeBody,
  write: ({ params, body, deps, principal, now }) => {
    const { themes, audit } = deps.repos;
    const current = found(themes.get(params.realm_id!, params.theme_id!), 'Theme', params.theme_id!);
    const fields = Object.fromEntries(Object.entries(body.theme).filter(([, v]) => v !== undefined));
    themes.update({ ...current, ...fields, update_time: now.toISOString() });
    audit.record(
      { tenant_id: current.tenant_id, realm_id: current.realm_id, actor: principal.actor, action: 'theme.update', resource_type: 'Theme', resource_id: current.id!, detail: { fields: Object.keys(fields) } },
      now,
    );
    return themes.get(current.realm_id, current.id!)!;
  },
});
