// @vitest-environment jsdom
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { StrictMode } from 'react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi, type StubHandler } from '../lib/testing/fetch-stub';
import { getCsrfToken, setCsrfToken } from './lib/session-store';
import { consoleError, identityRow, realmPath, session } from './lib/testing/fixtures';
import { testQueryClient } from './lib/testing/render-console';
import { CONSOLE_BASENAME } from './paths';
import { createConsoleRoutes, handleSessionLost } from './router';

let uninstall: (() => void) | undefined;

afterEach(() => {
  uninstall?.();
  cleanup();
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

/** The whole console (its routes, loaders and lazy pages) at `url`, under /console. */
function renderConsole(url: string) {
  const queryClient = testQueryClient();
  const router = createMemoryRouter(createConsoleRoutes(queryClient), { basename: CONSOLE_BASENAME, initialEntries: [url] });
  uninstall = handleSessionLost(router, queryClient);
  render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
  return { router, queryClient };
}

const signedIn = (routes: Record<string, StubHandler> = {}) =>
  stubApi({
    'GET /console/api/session': () => json(session()),
    [`GET ${realmPath('/identities')}`]: () => json({ identities: [identityRow()], total_size: 1 }),
    [`GET ${realmPath('/applications')}`]: () => json({ applications: [] }),
    ...routes,
  });

describe('the console router', () => {
  it('sends a signed-out admin to the sign-in page, remembering where they were going', async () => {
    stubApi({ 'GET /console/api/session': () => consoleError(401, 'unauthorized') });
    const { router } = renderConsole('/console/identities?q=ann');
    expect(await screen.findByRole('heading', { name: 'Bindery Console' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/console/sign-in');
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe('/identities?q=ann');
  });

  it('opens on the identities, in the shell, with the session’s CSRF token', async () => {
    signedIn();
    const { router } = renderConsole('/console');
    expect(await screen.findByRole('heading', { level: 1, name: 'Identities' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/console/identities');
    const nav = screen.getByRole('navigation', { name: 'Console' });
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual([
      'Identities',
      'Batch',
      'Applications',
      'API tokens',
      'Theme',
      'Activity',
      'Local inbox (opens in a new tab)',
    ]);
    expect(within(nav).getByRole('link', { name: /Local inbox/ }).getAttribute('href')).toBe('http://localhost:8787/inbox');
    expect(getCsrfToken()).toBe('csrf-1');
  });

  it('leaves out the local inbox when mail goes to a real SMTP server', async () => {
    signedIn({ 'GET /console/api/session': () => json(session({ inbox: null })) });
    renderConsole('/console/identities');
    const nav = await screen.findByRole('navigation', { name: 'Console' });
    expect(within(nav).queryByRole('link', { name: /Local inbox/ })).toBeNull();
  });

  it('goes back to the sign-in page when a call answers 401 mid-session', async () => {
    signedIn({ [`GET ${realmPath('/identities')}`]: () => consoleError(401, 'unauthorized', 'sign in to the console') });
    const { router } = renderConsole('/console/identities');
    await waitFor(() => expect(router.state.location.pathname).toBe('/console/sign-in'));
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe('/identities');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(getCsrfToken()).toBeNull();
  });

  it('signs out', async () => {
    const api = signedIn({ 'DELETE /console/api/session': () => new Response(null, { status: 204 }) });
    const { router } = renderConsole('/console/identities');
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(router.state.location.pathname).toBe('/console/sign-in');
    const [, init] = api.fetch.mock.calls.find(([, init]) => init?.method === 'DELETE')!;
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-1');
  });
});
