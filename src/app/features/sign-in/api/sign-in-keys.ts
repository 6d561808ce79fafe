/** Query keys of a sign-in request. The URL is the one in the address bar (no secret beyond it). */
export const signInKeys = {
  all: () => ['sign-in'] as const,
  /** What the SDK read from a sign-in request URL. */
  context: (url: string) => [...signInKeys.all(), 'context', { url }] as const,
};
