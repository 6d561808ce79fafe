/**
 * Every console URL in one place. Routes are relative to the router's basename (`/console`):
 * `path` is the router pattern, `getHref` builds a link. API URLs come from the contract's
 * `consolePath` (contracts/console-api.ts), the one table the cloud mounts too.
 */
export const CONSOLE_BASENAME = '/console';

export const consolePaths = {
  signIn: {
    path: '/sign-in',
    /** `next`: a console path to return to after signing in. */
    getHref: (next?: string) => (next && next !== '/' ? `/sign-in?${new URLSearchParams({ next }).toString()}` : '/sign-in'),
  },
  home: { path: '/', getHref: () => '/' },
  identities: {
    path: '/identities',
    getHref: (q?: string) => (q ? `/identities?${new URLSearchParams({ q }).toString()}` : '/identities'),
  },
  identity: { path: '/identities/:identityId', getHref: (id: string) => `/identities/${encodeURIComponent(id)}` },
  batches: { path: '/batch', getHref: () => '/batch' },
  batch: { path: '/batch/:batchId', getHref: (id: string) => `/batch/${encodeURIComponent(id)}` },
  applications: { path: '/applications', getHref: () => '/applications' },
  tokens: { path: '/tokens', getHref: () => '/tokens' },
  theme: { path: '/theme', getHref: () => '/theme' },
  activity: {
    path: '/activity',
    getHref: (identityId?: string) =>
      identityId ? `/activity?${new URLSearchParams({ identity: identityId }).toString()}` : '/activity',
  },
  notFound: { path: '*' },
} as const;
