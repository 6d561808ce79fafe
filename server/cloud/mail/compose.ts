import type { Theme } from '../../../contracts/bi/theme';

export interface BindingEmail {
  subject: string;
  text: string;
  html: string;
}

/** Bindery's default subject; a realm's theme may set its own (`email_subject`). */
export const DEFAULT_EMAIL_SUBJECT = 'Set up your passkey for {realm}';

/**
 * The binding-link email: a plain-text and an HTML part, branded with the
 * realm's theme (logo, button colours, support URL). `{realm}` in the subject
 * becomes the theme's `email_realm_name`.
 */
export function composeBindingEmail(input: {
  theme: Theme & { email_subject?: string | null };
  displayName: string;
  link: string;
  expireTime: string;
}): BindingEmail {
  const { theme, link } = input;
  const realmName = theme.email_realm_name;
  const subject = (theme.email_subject || DEFAULT_EMAIL_SUBJECT).replaceAll('{realm}', realmName);
  const expires = new Date(input.expireTime).toUTCString();
  const text = [
    `Hello ${input.displayName},`,
    '',
    `Create a passkey for ${realmName} on this device: no password to remember, nothing to type.`,
    '',
    `Open this link to set it up:`,
    link,
    '',
    `The link works once and expires on ${expires}. If you did not ask for it, ignore this message.`,
    `Help: ${theme.support_url}`,
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head><body style="margin:0;padding:24px;background:#f4f6fb;font-family:system-ui,sans-serif;color:#1b1f29">
<table role="presentation" width="100%" style="max-width:520px;margin:0 auto;background:#fff;border-radius:12px;padding:32px">
<tr><td>
<img src="${e(theme.logo_url_light)}" alt="${e(realmName)}" height="40" style="display:block;margin-bottom:24px">
<h1 style="font-size:20px;margin:0 0 12px">Set up your passkey</h1>
<p>Hello ${e(input.displayName)},</p>
<p>Create a passkey for ${e(realmName)} on this device: no password to remember, nothing to type.</p>
<p style="margin:28px 0"><a href="${e(link)}" style="background:${e(theme.button_color)};color:${e(theme.button_text_color)};padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:600">Set up passkey</a></p>
<p style="font-size:14px;color:#555">The link works once and expires on ${e(expires)}. If you did not ask for it, ignore this message.</p>
<p style="font-size:14px;color:#555">Need help? <a href="${e(theme.support_url)}">${e(theme.support_url)}</a></p>
</td></tr></table></body></html>`;
  return { subject, text, html };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
