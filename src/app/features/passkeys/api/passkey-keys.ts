/** Query keys of what the SDK keeps in this browser (nothing here involves the network). */
export const passkeyKeys = {
  all: () => ['passkeys'] as const,
  /** The SDK itself: loaded and initialised (once per page). */
  sdk: () => [...passkeyKeys.all(), 'sdk'] as const,
  /** The passkeys stored in this browser. */
  list: () => [...passkeyKeys.all(), 'list'] as const,
};
