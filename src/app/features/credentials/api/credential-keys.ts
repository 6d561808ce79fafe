/**
 * Query keys of the signed-in person's cloud credentials. A file of its own so that pages
 * which only invalidate or drop them (home, sign-out) do not load the response schema (zod).
 */
export const credentialKeys = {
  all: () => ['credentials'] as const,
  list: () => [...credentialKeys.all(), 'list'] as const,
};
