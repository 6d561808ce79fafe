import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { StrictMode, type ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router';
import { selectRealm } from '../realm';
import { setCsrfToken } from '../session-store';
import { REALM } from './fixtures';

/** Shows where the router went, so tests can assert navigations. */
function Elsewhere() {
  const location = useLocation();
  return <p data-testid="location">{`${location.pathname}${location.search}`}</p>;
}

/** A QueryClient like the console's, without retries that slow tests down. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 }, mutations: { retry: false } } });
}

/**
 * Renders a console page as the route `path` at `url` (in StrictMode, as in the console), signed in
 * to the fixtures' realm; every other path renders its location.
 */
export function renderPage(element: ReactNode, options: { path: string; url: string; queryClient?: QueryClient }) {
  selectRealm(REALM);
  setCsrfToken('csrf-1');
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
