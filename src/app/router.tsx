import { createBrowserRouter, type RouteObject } from 'react-router';
import { healthQueries } from '../lib/health';
import { paths } from '../lib/paths';
import { queryClient } from '../lib/query-client';
import { PageLoading } from './components/page-loading';
import { RootError } from './routes/root-error';
import { RootLayout } from './routes/root-layout';

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
        // Start the health check while the route module downloads instead of after it
        // renders. Not awaited: the page shows its own "Checking…" and error states.
        loader: () => {
          void queryClient.prefetchQuery(healthQueries.status());
          return null;
        },
        lazy: async () => ({ Component: (await import('./routes/home')).HomeRoute }),
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
