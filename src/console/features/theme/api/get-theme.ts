import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, themeResponse, type EmailPreviewQuery, type ThemeResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/** `GET …/theme`: the realm's active theme (the default one until the first save). */
export function getTheme(realmId: string, options: { signal?: AbortSignal } = {}): Promise<ThemeResponse> {
  return consoleRequest(consolePath('getTheme', { realm_id: realmId }), { validate: themeResponse, signal: options.signal });
}

export function themeQueryOptions(realmId: string) {
  return queryOptions({
    queryKey: consoleKeys.theme(realmId),
    queryFn: ({ signal }) => getTheme(realmId, { signal }),
  });
}

export function useTheme(realmId: string) {
  return useQuery(themeQueryOptions(realmId));
}

/**
 * The URL of the binding email's HTML preview, for `<iframe sandbox src>` (it has its own CSP, which
 * allows the email's inline styles and remote logo). `overrides` previews unsaved edits; `version`
 * changes the URL after a save so the frame loads again.
 */
export function emailPreviewHtmlUrl(realmId: string, overrides: EmailPreviewQuery = {}, version?: string): string {
  return consolePath('emailPreviewHtml', { realm_id: realmId }, { ...overrides, v: version });
}
