import type { Theme } from '../../../contracts/bi/theme';
import type { Db } from '../db/open';

type ThemeFields = Pick<
  Theme,
  'email_realm_name' | 'logo_url_light' | 'logo_url_dark' | 'support_url' | 'button_color' | 'button_text_color'
>;

/** What a realm without a theme of its own shows (GetActiveTheme's "default theme"). */
export const DEFAULT_THEME: ThemeFields = {
  email_realm_name: 'Bindery',
  logo_url_light: 'https://static.bindery.invalid/logo-light.svg',
  logo_url_dark: 'https://static.bindery.invalid/logo-dark.svg',
  support_url: 'https://bindery.invalid/support',
  button_color: '#2F5BD3',
  button_text_color: '#FFFFFF',
};

/** Themes: one per realm, the branding of emails and the authenticator. */
export function createThemeRepository(db: Db) {
  const get = db.prepare(`SELECT * FROM themes WHERE id = ? AND realm_id = ?`);
  const byRealm = db.prepare(`SELECT * FROM themes WHERE realm_id = ?`);
  const insert = db.prepare(
    `INSERT INTO themes (id, tenant_id, realm_id, email_realm_name, logo_url_light, logo_url_dark, support_url, button_color,
       button_text_color, create_time, update_time)
     VALUES (@id, @tenant_id, @realm_id, @email_realm_name, @logo_url_light, @logo_url_dark, @support_url, @button_color,
       @button_text_color, @create_time, @update_time)`,
  );
  const update = db.prepare(
    `UPDATE themes SET email_realm_name = @email_realm_name, logo_url_light = @logo_url_light, logo_url_dark = @logo_url_dark,
       support_url = @support_url, button_color = @button_color, button_text_color = @button_text_color, update_time = @update_time
     WHERE id = @id`,
  );
  const removeForRealm = db.prepare(`DELETE FROM themes WHERE realm_id = ?`);
  return {
    get: (realmId: string, id: string) => get.get(id, realmId) as Theme | undefined,
    removeForRealm: (realmId: string) => void removeForRealm.run(realmId),
    getForRealm: (realmId: string) => byRealm.get(realmId) as Theme | undefined,
    /** The realm's theme, or the default one (without id) when it has none. */
    active(tenantId: string, realmId: string): Theme {
      return (byRealm.get(realmId) as Theme | undefined) ?? { tenant_id: tenantId, realm_id: realmId, ...DEFAULT_THEME };
    },
    insert: (theme: Theme) => void insert.run(theme),
    update: (theme: Theme) => void update.run(theme),
  };
}

export type ThemeRepository = ReturnType<typeof createThemeRepository>;
