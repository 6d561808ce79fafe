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
    /** Catch-all for unknown routes. */
    notFound: { path: '*' },
  },
  auth: {
    /** Starts "sign in with a passkey" (OIDC at the cloud); a full page navigation. */
    login: '/auth/login',
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
