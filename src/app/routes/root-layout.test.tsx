// @vitest-environment jsdom
import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Fragment, StrictMode, useLayoutEffect, useRef } from 'react';
import { createMemoryRouter, Link, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request } from '../../lib/request';
import { apiError, json, stubApi } from '../../lib/testing/fetch-stub';
import { useMe } from '../features/auth/api/get-me';
import { testQueryClient } from '../testing/render-route';
import { RootLayout } from './root-layout';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/**
 * A page that focuses its own button as it mounts, as an error alert does. In a layout effect,
 * so before RouteFocus's effect runs: RouteFocus must then leave it there.
 */
function FocusesItself() {
  const button = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => button.current?.focus(), []);
  return (
    <>
      <h1>Own focus</h1>
      <button ref={button}>Mine</button>
    </>
  );
}

function Who() {
  const me = useMe();
  return <p data-testid="who">{me.isPending ? 'checking' : (me.data?.username ?? 'signed out')}</p>;
}

/** A page whose data answers 401 once the session is gone. */
function Credentials() {
  const credentials = useQuery({
    queryKey: ['credentials'],
    queryFn: async () => {
      await request('/api/me/credentials');
      return 'ok';
    },
    retry: false,
  });
  return <p data-testid="credentials">{credentials.isError ? 'failed' : (credentials.data ?? 'loading')}</p>;
}

function renderApp(url = '/', options: { strict?: boolean } = {}) {
  // StrictMode runs a page's effects twice, which would put its focus back after RouteFocus took it.
  const Mode = options.strict === false ? Fragment : StrictMode;
  const queryClient = testQueryClient();
  const router = createMemoryRouter(
    [
      {
        element: <RootLayout />,
        children: [
          { path: '/', element: <><h1>Home</h1><Link to="/next">Next</Link> <Link to="/own">Own</Link> <Who /></> },
          { path: '/next', element: <h1>Next page</h1> },
          { path: '/own', element: <FocusesItself /> },
          { path: '/credentials', element: <><Who /><Credentials /></> },
        ],
      },
    ],
    { initialEntries: [url] },
  );
  render(
    <Mode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </Mode>,
  );
  return { router, queryClient };
}

describe('RootLayout', () => {
  it('leaves focus alone on the first load, then moves it to the new heading after a navigation', async () => {
    stubApi({ 'GET /api/me': () => apiError(401, 'unauthenticated') });
    renderApp();
    expect(document.activeElement).toBe(document.body);
    const link = screen.getByRole('link', { name: 'Next' });
    link.focus();
    fireEvent.click(link);
    const heading = await screen.findByRole('heading', { level: 1, name: 'Next page' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(heading.getAttribute('tabindex')).toBe('-1');
  });

  it('keeps the focus a page put inside the content itself', async () => {
    stubApi({ 'GET /api/me': () => apiError(401, 'unauthenticated') });
    renderApp('/', { strict: false });
    fireEvent.click(screen.getByRole('link', { name: 'Own' }));
    const mine = await screen.findByRole('button', { name: 'Mine' });
    await waitFor(() => expect(document.activeElement).toBe(mine));
  });

  it('a 401 from any request reads the session again: the page learns it is signed out', async () => {
    let signedIn = true;
    const api = stubApi({
      'GET /api/me': () => (signedIn ? json({ identity_id: 'i1', username: 'ann', display_name: 'Ann' }) : apiError(401, 'unauthenticated')),
      'GET /api/me/credentials': () => (signedIn ? json([]) : apiError(401, 'unauthenticated')),
    });
    const { queryClient } = renderApp('/credentials');
    await waitFor(() => expect(screen.getByTestId('who').textContent).toBe('ann'));
    await waitFor(() => expect(screen.getByTestId('credentials').textContent).toBe('ok'));
    const readsBefore = api.calls('GET /api/me').length;
    // The cookie expires; the next read of the page's data answers 401.
    signedIn = false;
    await queryClient.invalidateQueries({ queryKey: ['credentials'] });
    await waitFor(() => expect(screen.getByTestId('credentials').textContent).toBe('failed'));
    await waitFor(() => expect(screen.getByTestId('who').textContent).toBe('signed out'));
    expect(api.calls('GET /api/me').length).toBe(readsBefore + 1);
  });
});
