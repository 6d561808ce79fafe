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
       button_text_color, email_subject, create_time, update_time)
     VALUES (@id, @tenant_id, @realm_id, @email_realm_name, @logo_url_light, @logo_url_dark, @support_url, @button_color,
       @button_text_color, @email_subject, @create_time, @update_time)`,
  );
  const update = db.prepare(
    `UPDATE themes SET email_realm_name = @email_realm_name, logo_url_light = @logo_url_light, logo_url_dark = @logo_url_dark,
       support_url = @support_url, button_color = @button_color, button_text_color = @button_text_color,
       email_subject = @email_subject, update_time = @update_time
     WHERE id = @id`,
  );
  const removeForRealm = db.prepare(`DELETE FROM themes WHERE realm_id = ?`);
  return {
    get: (realmId: string, id: string) => toTheme(get.get(id, realmId)),
    removeForRealm: (realmId: string) => void removeForRealm.run(realmId),
    getForRealm: (realmId: string) => toTheme(byRealm.get(realmId)),
    /** The realm's theme, or the default one (without id) when it has none. */
    active(tenantId: string, realmId: string): Theme {
      return toTheme(byRealm.get(realmId)) ?? { tenant_id: tenantId, realm_id: realmId, ...DEFAULT_THEME };
    },
    insert: (theme: Theme) => void insert.run({ email_subject: null, ...theme }),
    update: (theme: Theme) => void update.run({ email_subject: null, ...theme }),
  };
}

export type ThemeRepository = ReturnType<typeof createThemeRepository>;

/** A theme row without SQL NULLs: an unset `email_subject` is simply absent. */
function toTheme(row: unknown): Theme | undefined {
  if (!row) return undefined;
  const { email_subject, ...theme } = row as Theme & { email_subject: string | null };
  return email_subject ? { ...theme, email_subject } : theme;
}
