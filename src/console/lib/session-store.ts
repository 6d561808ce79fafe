/**
 * What every console request needs from the session, outside React: the CSRF token (the session
 * cookie itself is httpOnly, the SPA never sees it) and who to tell when the session is gone.
 * The session query sets the token; the request helper reads it.
 */

let csrfToken: string | null = null;
let sessionLostHandler: (() => void) | null = null;

/** The token to send as `X-CSRF-Token`, from the current `SessionResponse`; null when signed out. */
export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Remembers the session's CSRF token (after signing in or reading the session), or forgets it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Registers what to do when the cloud answers 401 to a signed-in request (the session expired,
 * was signed out elsewhere, or the cloud restarted with a fresh database): the entry point clears
 * the cached data and goes back to the sign-in page. Returns a function that unregisters it.
 */
export function onSessionLost(handler: () => void): () => void {
  sessionLostHandler = handler;
  return () => {
    if (sessionLostHandler === handler) sessionLostHandler = null;
  };
}

/** Forgets the token and runs the handler registered with `onSessionLost`. */
export function notifySessionLost(): void {
  csrfToken = null;
  sessionLostHandler?.();
}
