// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, stubApi, type StubHandler } from '../../lib/testing/fetch-stub';
import { renderRoute } from '../testing/render-route';
import { HomeRoute } from './home';

const me = { identity_id: 'i1', username: 'ann', display_name: 'Ann Lee', email: 'ann@example.com' };
const healthy = () => json({ ok: true, cloud: { api_base_url: 'http://localhost:4010' } });

function backend(overrides: Record<string, StubHandler> = {}) {
  return stubApi({
    'GET /api/health': healthy,
    'GET /api/me': () => apiError(401, 'unauthenticated'),
    'GET /api/config': () => json({ allowed_domains: ['localhost'], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }),
    ...overrides,
  });
}

const renderHome = (url = '/') => renderRoute(<HomeRoute />, { path: '/', url });

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('HomeRoute', () => {
  it('shows the product, then the API base URL from GET /api/health', async () => {
    const api = backend();
    renderHome();

    expect(screen.getByRole('heading', { level: 1, name: 'Bindery' })).toBeTruthy();
    expect(screen.getByText('Bind passkeys to your account with Beyond Identity.')).toBeTruthy();
    const status = screen.getByRole('region', { name: 'Status' });
    expect(within(status).getByRole('status').textContent).toBe('Checking…');

    expect(await within(status).findByText('http://localhost:4010')).toBeTruthy();
    expect(api.fetch).toHaveBeenCalledWith('/api/health', expect.objectContaining({ credentials: 'same-origin' }));
  });

  it('shows an error sentence and a Retry button that fetches the status again', async () => {
    let down = true;
    backend({
      'GET /api/health': () =>
        down
          ? new Response('down', { status: 503, statusText: 'Service Unavailable' })
          : json({ ok: true, cloud: { api_base_url: 'https://api-us.beyondidentity.com' } }),
    });
    renderHome();
    const status = screen.getByRole('region', { name: 'Status' });
    // Transient (5xx): the app's client retries by itself; the test client does not.
    const alert = await within(status).findByRole('alert');
    expect(alert.textContent).toContain('Could not check the server status. The server answered 503 Service Unavailable.');
    down = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await within(status).findByText('https://api-us.beyondidentity.com')).toBeTruthy();
  });

  it('signed out: create an account, sign in (coming soon), or have a link emailed', async () => {
    backend();
    renderHome();
    expect((await screen.findByRole('link', { name: 'Create an account' })).getAttribute('href')).toBe('/signup');
    const signIn = screen.getByRole('button', { name: 'Sign in with a passkey' });
    expect((signIn as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('coming soon')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'I have a passkey elsewhere — email me a link' }).getAttribute('href')).toBe('/email-link');
  });

  it('signed out, with sign-in enabled: a plain link to /auth/login (a full page navigation)', async () => {
    backend({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: true, tenant_id: 'ten1', realm_id: 'realm1' }) });
    renderHome();
    const signIn = await screen.findByRole('link', { name: 'Sign in with a passkey' });
    expect(signIn.getAttribute('href')).toBe('/auth/login');
    expect(screen.queryByText('coming soon')).toBeNull();
  });

  it('signed in: who you are, Add passkey, a link for another device, passkeys, sign out', async () => {
    let signedIn = true;
    const api = backend({
      'GET /api/me': () => (signedIn ? json(me) : apiError(401, 'unauthenticated')),
      'POST /api/me/email-link': () => json({ message: 'A link is on its way to your email address.' }, 202),
      'POST /api/logout': () => {
        signedIn = false;
        return new Response(null, { status: 204 });
      },
    });
    renderHome();

    expect(await screen.findByText('Ann Lee')).toBeTruthy();
    const account = screen.getByRole('region', { name: 'Your account' });
    expect(within(account).getByText('(ann)')).toBeTruthy();
    expect(within(account).getByRole('link', { name: 'Add passkey' }).getAttribute('href')).toBe('/bind');
    expect(within(account).getByRole('link', { name: 'Your passkeys' }).getAttribute('href')).toBe('/passkeys');

    fireEvent.click(within(account).getByRole('button', { name: 'Send me a link for another device' }));
    expect(await within(account).findByText('A link is on its way to your email address.')).toBeTruthy();
    expect(api.calls('POST /api/me/email-link')).toHaveLength(1);

    const meCalls = api.calls('GET /api/me').length;
    fireEvent.click(within(account).getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('link', { name: 'Create an account' })).toBeTruthy();
    expect(api.calls('POST /api/logout')).toHaveLength(1);
    // The session is read again from the backend after signing out.
    await waitFor(() => expect(api.calls('GET /api/me').length).toBe(meCalls + 1));
    expect(screen.queryByText('Ann Lee')).toBeNull();
  });

  it('signed in, rate limited: says how long to wait', async () => {
    backend({
      'GET /api/me': () => json(me),
      'POST /api/me/email-link': () => apiError(429, 'rate_limited', {}, { 'Retry-After': '60' }),
    });
    renderHome();
    fireEvent.click(await screen.findByRole('button', { name: 'Send me a link for another device' }));
    expect(await screen.findByText('Too many requests, try again in 1 minute.')).toBeTruthy();
  });

  it.each([
    ['denied', 'Your passkey could not sign you in', 'revoked', 'Email me a link', '/email-link'],
    ['expired', 'Your sign-in request expired', 'Start again to sign in.', 'Start again', '/auth/login'],
    ['failed', 'Sign-in did not complete', 'you are not signed in', 'Try again', '/auth/login'],
  ])('after ?sign_in_error=%s: its own alert, sentence and next step', async (code, title, sentence, action, href) => {
    backend({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: true, tenant_id: 'ten1', realm_id: 'realm1' }) });
    renderHome(`/?sign_in_error=${code}`);
    const alert = screen.getByRole('alert');
    expect(within(alert).getByRole('heading', { name: title }).tagName).toBe('H2');
    expect(alert.textContent).toContain(sentence);
    expect(within(alert).getByRole('link', { name: action }).getAttribute('href')).toBe(href);
    // The rest of the page is there as usual.
    expect(await screen.findByRole('link', { name: 'Create an account' })).toBeTruthy();
  });

  it('dismissing the sign-in error removes it from the page and the address', async () => {
    backend();
    const { router } = renderHome('/?sign_in_error=denied&x=1');
    fireEvent.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(router.state.location.search).toBe('?x=1');
    expect(router.state.historyAction).toBe('REPLACE');
  });

  it('ignores an unknown sign_in_error', async () => {
    backend();
    renderHome('/?sign_in_error=%3Cscript%3E');
    expect(await screen.findByRole('link', { name: 'Create an account' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
