import { queryOptions, useQuery } from '@tanstack/react-query';
import { consolePath, emailPreviewResponse, type EmailPreviewQuery, type EmailPreviewResponse } from '../../../../../contracts/console-api';
import { consoleRequest } from '../../../lib/console-request';
import { consoleKeys } from '../../../lib/query-keys';

/**
 * `GET …/theme/email-preview`: the binding email as the mail worker would compose it (subject, HTML,
 * text), with `overrides` (unsaved edits) applied. The page shows its subject beside the HTML frame.
 */
export function getEmailPreview(realmId: string, overrides: EmailPreviewQuery, options: { signal?: AbortSignal } = {}): Promise<EmailPreviewResponse> {
  return consoleRequest(consolePath('emailPreview', { realm_id: realmId }, overrides), { validate: emailPreviewResponse, signal: options.signal });
}

/** `version` changes after each save, so the saved theme's preview is read again. */
export function emailPreviewQueryOptions(realmId: string, overrides: EmailPreviewQuery, version: string) {
  return queryOptions({
    queryKey: [...consoleKeys.theme(realmId), 'preview', { overrides, version }] as const,
    queryFn: ({ signal }) => getEmailPreview(realmId, overrides, { signal }),
    staleTime: Infinity,
  });
}

export function useEmailPreview(realmId: string, overrides: EmailPreviewQuery, version: string) {
  return useQuery(emailPreviewQueryOptions(realmId, overrides, version));
}
