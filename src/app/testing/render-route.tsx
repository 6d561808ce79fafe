import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router';

/** Shows where the router went, so tests can assert navigations. */
function Elsewhere() {
  const location = useLocation();
  return <p data-testid="location">{`${location.pathname}${location.search}`}</p>;
}

/** A QueryClient like the app's, without retries or caching delays that slow tests down. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 }, mutations: { retry: false } } });
}

/**
 * Renders `element` as the route `path` at `url`, in StrictMode (double effects, as in the app),
 * with every other path rendering its location.
 */
export function renderRoute(element: ReactNode, options: { path: string; url: string; queryClient?: QueryClient }) {
  const queryClient = options.queryClient ?? testQueryClient();
  const router = createMemoryRouter(
    [
      { path: options.path, element },
      { path: '*', element: <Elsewhere /> },
    ],
    { initialEntries: [options.url] },
  );
  const view = render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
  return { ...view, router, queryClient };
}
