import type { Context } from 'hono';
import type { Theme } from '../../../../contracts/bi/theme';
import { emailPreviewQuery, updateThemeRequest, type EmailPreviewResponse } from '../../../../contracts/console-api';
import type { CloudDeps } from '../../deps';
import { readJsonBody } from '../../http/operation';
import { composeBindingEmail } from '../../mail/compose';
import { createTheme } from '../../themes/create-theme';
import { updateTheme } from '../../themes/update-theme';
import { runAsAdmin } from '../as-admin';
import { readQuery } from '../errors';
import type { ConsoleEnv } from '../session';

type C = Context<ConsoleEnv>;

/**
 * The preview's own CSP: the email's inline styles and its remote logo, nothing
 * else (no script, no form), and framing only by the console itself.
 */
export const EMAIL_PREVIEW_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src http: https: data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** The realm's theme (logos, support URL, email subject) and a preview of the binding email. */
export function themeRoutes(deps: CloudDeps) {
  /** The binding email as the mail worker would compose it now, with `overrides` (unsaved edits) applied. */
  function preview(c: C): EmailPreviewResponse {
    const overrides = Object.fromEntries(Object.entries(readQuery(c, emailPreviewQuery)).filter(([, v]) => v !== undefined));
    const admin = c.get('admin');
    const realmId = c.get('realmId');
    const theme = { ...deps.repos.themes.active(admin.tenant_id, realmId), ...overrides };
    const now = deps.clock();
    // Looks like a binding link, but names no job and carries no token: it binds nothing.
    const link =
      `${deps.config.apiBaseUrl}/v1/tenants/${admin.tenant_id}/realms/${realmId}/identities/IDENTITY_ID` +
      `/credential-binding-jobs/JOB_ID:invokeAuthenticator?token=PREVIEW`;
    const email = composeBindingEmail({
      theme,
      displayName: 'Ann Example',
      link,
      expireTime: new Date(now.getTime() + deps.config.bindingTokenTtlSeconds * 1000).toISOString(),
    });
    return { ...email, link };
  }

  return {
    getTheme(c: C): Response {
      return c.json(deps.repos.themes.active(c.get('admin').tenant_id, c.get('realmId')));
    },

    /** UpdateTheme's handler, or CreateTheme's while the realm still uses the default theme. */
    async updateTheme(c: C): Promise<Response> {
      const body = await readJsonBody(c, updateThemeRequest);
      const current = deps.repos.themes.getForRealm(c.get('realmId'));
      const theme = current
        ? await runAsAdmin(c, deps, updateTheme, { params: { theme_id: current.id! }, body })
        : await runAsAdmin(c, deps, createTheme, { body });
      return c.json(theme as Theme);
    },

    emailPreview(c: C): Response {
      return c.json(preview(c) satisfies EmailPreviewResponse);
    },

    emailPreviewHtml(c: C): Response {
      const { html } = preview(c);
      c.header('Content-Security-Policy', EMAIL_PREVIEW_CSP);
      return c.html(html);
    },
  };
}
