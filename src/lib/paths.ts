/**
 * Every URL the browser uses, in one place, so routes, links and fetches cannot drift apart.
 *
 * `app.*` are routes of the end-user SPA (`path` is the router pattern, `getHref` builds a link);
 * `auth.*` are backend pages reached by a full page navigation (not SPA routes);
 * `api.*` are endpoints of the app backend (server/app), always same-origin.
 */
export const paths = {
  app: {
    home: { path: '/', getHref: () => '/' },
    signup: { path: '/signup', getHref: () => '/signup' },
    emailLink: { path: '/email-link', getHref: () => '/email-link' },
    /**
     * Creates a passkey from a binding link. Only the EMAIL redirect puts a link in this URL;
     * the RETURN flow's link travels in memory, so `getHref` never takes one. `next` is a
     * same-origin path to go to after binding.
     */
    bind: {
      path: '/bind',
      getHref: (next?: string) => (next ? `/bind?${new URLSearchParams({ next }).toString()}` : '/bind'),
    },
    passkeys: { path: '/passkeys', getHref: () => '/passkeys' },
    /**
     * Where the cloud's OIDC authorize sends the browser: `{invoke_url}/bi-authenticate?request=<JWT>`.
     * Only the cloud builds this URL; the app never links to it.
     */
    biAuthenticate: { path: '/bi-authenticate' },
    /** Catch-all for unknown routes. */
    notFound: { path: '*' },
  },
  auth: {
    /**
     * Starts "sign in with a passkey" (OIDC at the cloud); a full page navigation. `returnTo`, a
     * same-origin path, is where the backend's `/auth/callback` lands after signing in.
     */
    login: {
      // `/` stays readable in the query (RFC 3986 allows it there): `/auth/login?return_to=/passkeys`.
      getHref: (returnTo?: string) =>
        returnTo ? `/auth/login?return_to=${encodeURIComponent(returnTo).replace(/%2F/gi, '/')}` : '/auth/login',
    },
    /** Where `/auth/callback` reports a failed sign-in: `/?sign_in_error=denied|expired|failed`. */
    signInErrorParam: 'sign_in_error',
  },
  api: {
    health: '/api/health',
    config: '/api/config',
    me: '/api/me',
    signup: '/api/signup',
    logout: '/api/logout',
    emailLink: '/api/email-link',
    myEmailLink: '/api/me/email-link',
    myBindingLink: '/api/me/binding-link',
    bindingLinkPreview: '/api/binding-link/preview',
    myCredentials: '/api/me/credentials',
    revokeMyCredential: (id: string) => `/api/me/credentials/${encodeURIComponent(id)}/revoke`,
  },
} as const;

/**
 * Whether a same-origin path belongs to the backend's pages (`/auth/…`) rather than the SPA: such
 * a path needs a full page navigation (`window.location.assign`, a plain `<a href>`); the router
 * would show "Page not found" for it.
 */
export function isBackendPagePath(path: string): boolean {
  return path === '/auth' || /^\/auth[/?#]/.test(path);
}
