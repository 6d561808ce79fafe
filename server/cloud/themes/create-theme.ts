import { createThemeBody, type Theme } from '../../../contracts/bi/theme';
import { conflict } from '../../lib/api-error';
import { newId } from '../../lib/ids';
import { defineOperation } from '../http/operation';
import { DEFAULT_THEME } from './repository';

export const createTheme = defineOperation({
  id: 'CreateTheme',
  method: 'post',
  path: '/v1/tenants/:tenant_id/realms/:realm_id/themes',
  scope: 'themes:create',
  level: 'realm',
  body: createThemeBody,
  write: ({ params, body, deps, principal, now }): Theme => {
    const { themes, audit } = deps.repos;
    // Each realm has a single theme.
    if (themes.getForRealm(params.realm_id!)) throw conflict('theme already exists for this realm');
    const time = now.toISOString();
    const fields = Object.fromEntries(Object.entries(body.theme).filter(([, v]) => v !== undefined));
    const theme: Theme = {
      id: newId(),
      tenant_id: params.tenant_id!,
      realm_id: params.realm_id!,
      ...DEFAULT_THEME,
      ...fields,
      create_time: time,
      update_time: time,
    };
    themes.insert(theme);
    audit.record(
      { tenant_id: theme.tenant_id, realm_id: theme.realm_id, actor: principal.actor, action: 'theme.create', resource_type: 'Theme', resource_id: theme.id! },
      now,
    );
    return theme;
  },
});
