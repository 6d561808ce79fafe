import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, redirect, type LoaderFunctionArgs, type RouteObject } from 'react-router';
import { safeNextPath } from '../lib/same-origin';
import { Loading } from './components/query-state';
import { activityQueryOptions } from './features/activity/api/list-activity';
import { applicationsQueryOptions } from './features/applications/api/list-applications';
import { authenticatorConfigsQueryOptions } from './features/applications/api/list-authenticator-configs';
import { batchQueryOptions } from './features/batch/api/get-batch';
import { credentialsQueryOptions } from './features/credentials/api/list-credentials';
import { identityQueryOptions } from './features/identities/api/get-identity';
import { identitiesQueryOptions } from './features/identities/api/list-identities';
import { jobsQueryOptions } from './features/jobs/api/list-jobs';
import { sessionQueryOptions } from './features/session/api/get-session';
import { themeQueryOptions } from './features/theme/api/get-theme';
import { tokensQueryOptions } from './features/tokens/api/list-tokens';
import { consoleKeys } from './lib/query-keys';
import { getRealmId } from './lib/realm';
import { onSessionLost } from './lib/session-store';
import { CONSOLE_BASENAME, consolePaths } from './paths';
import { ConsoleLayout } from './routes/console-layout';
import { RootError, RouteError } from './routes/route-error';

/** The path of a loader's request inside the console (without the basename), with its query. */
function consolePathOf(request: Request): string {
  const url = new URL(request.url);
  const path = url.pathname.startsWith(CONSOLE_BASENAME) ? url.pathname.slice(CONSOLE_BASENAME.length) || '/' : url.pathname;
  return `${path}${url.search}`;
}

/**
 * The console's routes. Pages are lazy (each its own chunk); the layout, the error screens and the
 * loading screen stay in the entry chunk because they must render when a page's chunk fails.
 *
 * The layout's loader checks the session before any page renders (signed out: to the sign-in
 * page, with `next` to come back). Page loaders start their queries while the page's code
 * downloads; they do not wait for them, so each page shows its own loading and error states.
 */
export function createConsoleRoutes(queryClient: QueryClient): RouteObject[] {
  const session = () => queryClient.ensureQueryData(sessionQueryOptions());

  async function requireSession({ request }: LoaderFunctionArgs) {
    if (!(await session())) throw redirect(consolePaths.signIn.getHref(consolePathOf(request)));
    return null;
  }

  /** A loader that prefetches once the session (and so the realm) is known. */
  function prefetch(start: (realmId: string, args: LoaderFunctionArgs) => void) {
    return async (args: LoaderFunctionArgs) => {
      // Parent and child loaders run in parallel: this waits for the same session request.
      const current = await session().catch(() => null);
      if (current) start(getRealmId(), args);
      return null;
    };
  }

  return [
    {
      path: consolePaths.signIn.path,
      errorElement: <RootError />,
      hydrateFallbackElement: <Loading what="the console" />,
      // Already signed in: straight on. A cloud that cannot be reached still gets the form (its
      // sign-in then says what is wrong).
      loader: async ({ request }) => {
        const current = await session().catch(() => null);
        if (current) throw redirect(safeNextPath(new URL(request.url).searchParams.get('next')) ?? consolePaths.identities.getHref());
        return null;
      },
      lazy: async () => ({ Component: (await import('./routes/sign-in')).SignInRoute }),
    },
    {
      path: consolePaths.home.path,
      element: <ConsoleLayout />,
      errorElement: <RootError />,
      hydrateFallbackElement: <Loading what="the console" />,
      loader: requireSession,
      children: [
        {
          errorElement: <RouteError />,
          children: [
            { index: true, loader: () => redirect(consolePaths.identities.getHref()) },
            {
              path: consolePaths.identities.path,
              loader: prefetch((realmId, { request }) => {
                const q = new URL(request.url).searchParams.get('q') ?? '';
                void queryClient.prefetchQuery(identitiesQueryOptions(realmId, { q, pageToken: undefined }));
                void queryClient.prefetchQuery(applicationsQueryOptions(realmId));
              }),
              lazy: async () => ({ Component: (await import('./routes/identities')).IdentitiesRoute }),
            },
            {
              path: consolePaths.identity.path,
              loader: prefetch((realmId, { params }) => {
                const identityId = params.identityId ?? '';
                void queryClient.prefetchQuery(identityQueryOptions(realmId, identityId));
                void queryClient.prefetchInfiniteQuery(credentialsQueryOptions(realmId, identityId));
                void queryClient.prefetchQuery(jobsQueryOptions(realmId, identityId));
              }),
              lazy: async () => ({ Component: (await import('./routes/identity-detail')).IdentityDetailRoute }),
            },
            {
              path: consolePaths.batches.path,
              lazy: async () => ({ Component: (await import('./routes/batches')).BatchesRoute }),
            },
            {
              path: consolePaths.batch.path,
              loader: prefetch((realmId, { params }) => void queryClient.prefetchQuery(batchQueryOptions(realmId, params.batchId ?? ''))),
              lazy: async () => ({ Component: (await import('./routes/batch')).BatchRoute }),
            },
            {
              path: consolePaths.applications.path,
              loader: prefetch((realmId) => {
                void queryClient.prefetchQuery(applicationsQueryOptions(realmId));
                void queryClient.prefetchQuery(authenticatorConfigsQueryOptions(realmId));
              }),
              lazy: async () => ({ Component: (await import('./routes/applications')).ApplicationsRoute }),
            },
            {
              path: consolePaths.tokens.path,
              loader: prefetch((realmId) => void queryClient.prefetchQuery(tokensQueryOptions(realmId))),
              lazy: async () => ({ Component: (await import('./routes/tokens')).TokensRoute }),
            },
            {
              path: consolePaths.theme.path,
              loader: prefetch((realmId) => void queryClient.prefetchQuery(themeQueryOptions(realmId))),
              lazy: async () => ({ Component: (await import('./routes/theme')).ThemeRoute }),
            },
            {
              path: consolePaths.activity.path,
              loader: prefetch((realmId, { request }) => {
                const identityId = new URL(request.url).searchParams.get('identity') ?? undefined;
                void queryClient.prefetchInfiniteQuery(activityQueryOptions(realmId, identityId));
              }),
              lazy: async () => ({ Component: (await import('./routes/activity')).ActivityRoute }),
            },
            {
              path: consolePaths.notFound.path,
              lazy: async () => ({ Component: (await import('./routes/not-found')).NotFoundRoute }),
            },
          ],
        },
      ],
    },
  ];
}

/** The console's browser router, under `/console` (where the cloud serves console.html). */
export function createConsoleRouter(queryClient: QueryClient) {
  return createBrowserRouter(createConsoleRoutes(queryClient), { basename: CONSOLE_BASENAME });
}

/**
 * What a 401 on any call does: the session ended (expired, signed out in another tab, a fresh
 * cloud). The console forgets what this admin saw and shows the sign-in page, which comes back to
 * the same page afterwards. Returns a function that uninstalls it.
 */
export function handleSessionLost(router: ReturnType<typeof createBrowserRouter>, queryClient: QueryClient): () => void {
  return onSessionLost(() => {
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== consoleKeys.session()[0] });
    queryClient.setQueryData(consoleKeys.session(), null);
    const { pathname, search } = router.state.location;
    const path = pathname.startsWith(CONSOLE_BASENAME) ? pathname.slice(CONSOLE_BASENAME.length) || '/' : pathname;
    if (path === consolePaths.signIn.path) return;
    void router.navigate(consolePaths.signIn.getHref(`${path}${search}`), { replace: true });
  });
}
