import type { QueryClient } from '@tanstack/react-query';

/**
 * Query keys of binding links, one hierarchy so that invalidating `['binding-link']` covers
 * the RETURN links and every preview, and `['binding-link','preview']` only the previews.
 */
export const bindingLinkKeys = {
  all: () => ['binding-link'] as const,
  /** Every RETURN link held in memory. */
  returns: () => [...bindingLinkKeys.all(), 'return'] as const,
  /** The RETURN link for a post-binding path (`null`: none; sign-up's link). */
  return: (next: string | null) => [...bindingLinkKeys.returns(), { next }] as const,
  previews: () => [...bindingLinkKeys.all(), 'preview'] as const,
  /** A link's preview, by binding job (the token is never part of a key). */
  preview: (jobId: string) => [...bindingLinkKeys.previews(), { job_id: jobId }] as const,
};

/**
 * Drops every RETURN link from memory (after a bind used one, or on sign-out). Here, not in
 * create-binding-link.ts, so that sign-out does not load the link's response schema (zod).
 */
export function forgetReturnBindingLinks(queryClient: QueryClient): void {
  queryClient.removeQueries({ queryKey: bindingLinkKeys.returns() });
}
