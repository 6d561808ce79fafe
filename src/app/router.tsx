import { createBrowserRouter, type RouteObject } from 'react-router';
import { appConfigQueries } from '../lib/app-config';
import { healthQueries } from '../lib/health';
import { paths } from '../lib/paths';
import { queryClient } from '../lib/query-client';
import { PageLoading } from './components/page-loading';
import { meQueryOptions } from './features/auth/api/get-me';
import { RootError } from './routes/root-error';
import { RootLayout } from './routes/root-layout';

/**
 * Starts queries while a route module downloads instead of after it renders. Not awaited: each
 * page shows its own pending and error states. Only small fetchers with hand-written guards are
 * imported here (this file is in the entry chunk): zod and the SDK wrapper stay in lazy chunks,
 * and routes that need them get a lazily loaded loader (React Router loads it in parallel with
 * the component).
 */
function prefetch(...starts: ((client: typeof queryClient) => Promise<void>)[]) {
  return () => {
    for (const start of starts) void start(queryClient);
    return null;
  };
}

const health = (client: typeof queryClient) => client.prefetchQuery(healthQueries.status());
const me = (client: typeof queryClient) => client.prefetchQuery(meQueryOptions());
const appConfig = (client: typeof queryClient) => client.prefetchQuery(appConfigQueries.detail());

/**
 * The end-user app's routes. Route modules are lazy so each page's code loads on demand;
 * the layout, the error screen and the loading screen stay in the entry chunk because they
 * must render when a lazy module itself fails to load.
 */
export const routes: RouteObject[] = [
  {
    path: paths.app.home.path,
    element: <RootLayout />,
    errorElement: <RootError />,
    hydrateFallbackElement: <PageLoading />,
    children: [
      {
        index: true,
        loader: prefetch(health, me, appConfig),
        lazy: async () => ({ Component: (await import('./routes/home')).HomeRoute }),
      },
      {
        path: paths.app.signup.path,
        loader: prefetch(me),
        lazy: async () => ({ Component: (await import('./routes/signup')).SignupRoute }),
      },
      {
        path: paths.app.emailLink.path,
        lazy: async () => ({ Component: (await import('./routes/email-link')).EmailLinkRoute }),
      },
      {
        path: paths.app.bind.path,
        lazy: {
          // Starts the SDK (its own multi-MB chunk) as the page opens; nothing binds before the click.
          loader: async () => (await import('./routes/bind-loader')).bindLoader,
          Component: async () => (await import('./routes/bind')).BindRoute,
        },
      },
      {
        path: paths.app.biAuthenticate.path,
        lazy: {
          // Starts the SDK and reads this browser's passkeys as the page opens; nothing signs in before the click.
          loader: async () => (await import('./routes/bi-authenticate-loader')).biAuthenticateLoader,
          Component: async () => (await import('./routes/bi-authenticate')).BiAuthenticateRoute,
        },
      },
      {
        path: paths.app.passkeys.path,
        lazy: {
          loader: async () => (await import('./routes/passkeys-loader')).passkeysLoader,
          Component: async () => (await import('./routes/passkeys')).PasskeysRoute,
        },
      },
      {
        path: paths.app.notFound.path,
        lazy: async () => ({ Component: (await import('./routes/not-found')).NotFoundRoute }),
      },
    ],
  },
];

/** The browser router of the end-user app. */
export const router = createBrowserRouter(routes);
