import { z } from 'zod';
import { httpUrl, safeName } from './common';

/** A realm's theme as Beyond Identity returns it: branding for emails and the authenticator. */
export interface Theme {
  id?: string;
  tenant_id: string;
  realm_id: string;
  create_time?: string;
  update_time?: string;
  email_realm_name: string;
  logo_url_light: string;
  logo_url_dark: string;
  support_url: string;
  button_color: string;
  button_text_color: string;
  /** Bindery's extension: the binding email's subject; `{realm}` becomes `email_realm_name`. */
  email_subject?: string;
}

const color = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a color like #4673D3');

export const themeFields = z.object({
  email_realm_name: safeName.optional(),
  logo_url_light: httpUrl.optional(),
  logo_url_dark: httpUrl.optional(),
  support_url: httpUrl.optional(),
  button_color: color.optional(),
  button_text_color: color.optional(),
  email_subject: z.string().min(1).max(120).optional(),
});

export const createThemeBody = z.object({ theme: themeFields.default({}) });
export const updateThemeBody = z.object({ theme: themeFields });
