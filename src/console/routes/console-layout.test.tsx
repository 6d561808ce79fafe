// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { createMemoryRouter, Link, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi, type StubRequest } from '../../lib/testing/fetch-stub';
import { selectRealm } from '../lib/realm';
import { setCsrfToken } from '../lib/session-store';
import { APP_ID, application, identityRow, REALM, session } from '../lib/testing/fixtures';
import { testQueryClient } from '../lib/testing/render-console';
import { PageTitle } from '../components/page-title';
import { ConsoleLayout } from './console-layout';
import { IdentitiesRoute } from './identities';

const OTHER = '9999999999999999';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

/** Two pages of identities per realm: `xx-p1`, then `xx-p2` behind a page token of that realm. */
function paged(realm: string) {
  return (request: StubRequest) => {
    const token = new URL(request.url, 'http://localhost').searchParams.get('page_token');
    const name = `${realm.slice(0, 2)}-p${token ? 2 : 1}`;
    return json({ identities: [identityRow({ id: `${realm.slice(0, 8)}0000000${token ? 2 : 1}`, username: name })], total_size: 2, ...(token ? {} : { next_page_token: `tok-${realm}` }) });
  };
}

describe('ConsoleLayout', () => {
  it('starts a page over when the realm changes: no page token, selection or application of the old realm goes to the new one', async () => {
    const api = stubApi({
      'GET /console/api/session': () => json(session({ realms: [{ id: REALM, display_name: 'Bindery' }, { id: OTHER, display_name: 'Other' }] })),
      [`GET /console/api/realms/${REALM}/identities`]: paged(REALM),
      [`GET /console/api/realms/${OTHER}/identities`]: paged(OTHER),
      [`GET /console/api/realms/${REALM}/applications`]: () => json({ applications: [application()] }),
      [`GET /console/api/realms/${OTHER}/applications`]: () => json({ applications: [application({ id: '7777777777777777', name: 'Other app' })] }),
    });
    selectRealm(REALM);
    setCsrfToken('csrf-1');
    const router = createMemoryRouter([{ element: <ConsoleLayout />, children: [{ path: '/identities', element: <IdentitiesRoute /> }] }], { initialEntries: ['/identities'] });
    render(
      <StrictMode>
        <QueryClientProvider client={testQueryClient()}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </StrictMode>,
    );
    await screen.findByRole('link', { name: `${REALM.slice(0, 2)}-p1` });
    fireEvent.click(screen.getByRole('checkbox', { name: `Select ${REALM.slice(0, 2)}-p1` }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Application' }), { target: { value: APP_ID } });
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByRole('link', { name: `${REALM.slice(0, 2)}-p2` });

    act(() => selectRealm(OTHER));
    // The other realm's first page, asked without the old realm's page token.
    expect(await screen.findByRole('link', { name: `${OTHER.slice(0, 2)}-p1` })).toBeTruthy();
    const asked = api.calls(`GET /console/api/realms/${OTHER}/identities`).map((c) => new URL(c.url, 'http://localhost').searchParams.get('page_token'));
    expect(asked.every((token) => token === null)).toBe(true);
    expect(screen.getByText(/selected\./).textContent).toBe('No identities selected.');
    await waitFor(() => expect((screen.getByRole('combobox', { name: 'Application' }) as HTMLSelectElement).value).not.toBe(APP_ID));
  });

  it("moves focus to the new page's heading after a navigation, not on the first page nor for a query-only change", async () => {
    stubApi({ 'GET /console/api/session': () => json(session()) });
    selectRealm(REALM);
    const page = (title: string) => (
      <>
        <PageTitle title={title} />
        <Link to="/a?q=1">Search</Link> <Link to="/b">To B</Link>
      </>
    );
    const router = createMemoryRouter([{ element: <ConsoleLayout />, children: [{ path: '/a', element: page('Page A') }, { path: '/b', element: page('Page B') }] }], { initialEntries: ['/a'] });
    render(
      <QueryClientProvider client={testQueryClient()}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    await screen.findByRole('heading', { name: 'Page A' });
    expect(document.activeElement).toBe(document.body);

    const search = screen.getByRole('link', { name: 'Search' });
    search.focus();
    fireEvent.click(search);
    await waitFor(() => expect(router.state.location.search).toBe('?q=1'));
    expect(document.activeElement).toBe(screen.getByRole('link', { name: 'Search' }));

    fireEvent.click(screen.getByRole('link', { name: 'To B' }));
    const heading = await screen.findByRole('heading', { name: 'Page B' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
  });
});
