/**
 * Every URL the browser uses, in one place, so routes, links and fetches cannot drift apart.
 *
 * `app.*` are routes of the end-user SPA (`path` is the router pattern, `getHref` builds a link);
 * `api.*` are endpoints of the app backend (server/app), always same-origin.
 */
export const paths = {
  app: {
    home: { path: '/', getHref: () => '/' },
    /** Catch-all for unknown routes. */
    notFound: { path: '*' },
  },
  api: {
    health: '/api/health',
  },
} as const;
