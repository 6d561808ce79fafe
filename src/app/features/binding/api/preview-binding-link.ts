import { queryOptions, useQuery } from '@tanstack/react-query';
import { previewResponse, type PreviewRequest, type PreviewResponse } from '../../../../../contracts/app-api';
import { paths } from '../../../../lib/paths';
import { request } from '../../../../lib/request';
import { bindingLinkKeys } from './binding-link-keys';

export type { PreviewRequest, PreviewResponse };

/**
 * `POST /api/binding-link/preview`: whose passkey a link creates and whether it can still be
 * used (`usable`, `expired`, `used`, `revoked`, `invalid`). Never consumes the link. A POST so
 * that the token travels in a body, not in a URL that ends up in logs.
 */
export function previewBindingLink(body: PreviewRequest, options: { signal?: AbortSignal } = {}): Promise<PreviewResponse> {
  return request(paths.api.bindingLinkPreview, {
    method: 'POST',
    body,
    validate: previewResponse,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Query options for a link's preview, keyed by job id (never by token). */
export function previewQueryOptions(body: PreviewRequest) {
  return queryOptions({
    queryKey: bindingLinkKeys.preview(body.job_id),
    // No abort signal: TanStack Query cancels a query whose signal was used when its last
    // observer goes, so StrictMode's remount would preview (a rate-limited call) twice.
    queryFn: () => previewBindingLink(body),
    // A link's state only changes through what this page does (or an admin); a refetch on
    // focus would flash "Checking…" in front of a person about to click.
    refetchOnWindowFocus: false,
  });
}

/** The preview of a link, or nothing while `body` is unknown. */
export function useBindingLinkPreview(body: PreviewRequest | null) {
  return useQuery({
    ...previewQueryOptions(body ?? { job_id: '', own: true }),
    enabled: body !== null,
  });
}
