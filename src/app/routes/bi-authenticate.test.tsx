// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi } from '../../lib/testing/fetch-stub';
import { PasskeyError } from '../../passkeys/passkey-error';
import type { Passkey } from '../../passkeys/types';
import { renderRoute } from '../testing/render-route';
import { stubLocation, type StubbedLocation } from '../testing/stub-location';
import { BiAuthenticateRoute } from './bi-authenticate';

// The SDK is replaced at the src/passkeys seam: these tests are about the page. The real SDK
// runs in the Playwright e2e.
const passkeys = vi.hoisted(() => ({
  getPasskeys: vi.fn(),
  getAuthenticationContext: vi.fn(),
  authenticate: vi.fn(),
  missingCapabilities: vi.fn((): string[] => []),
}));
vi.mock('../../passkeys/get-passkeys', () => ({ getPasskeys: passkeys.getPasskeys }));
vi.mock('../../passkeys/get-authentication-context', () => ({ getAuthenticationContext: passkeys.getAuthenticationContext }));
vi.mock('../../passkeys/authenticate', () => ({ authenticate: passkeys.authenticate }));
vi.mock('../../passkeys/embedded', () => ({ preloadEmbedded: vi.fn(), getEmbedded: vi.fn() }));
vi.mock('../../passkeys/browser-support', () => ({
  missingCapabilities: passkeys.missingCapabilities,
  assertBrowserSupport: vi.fn(),
}));

const PAGE_URL = 'http://localhost:3000/bi-authenticate?request=eyJhbGciOiJSUzI1NiJ9.eyJ2ZXJiIjoiYXV0aGVudGljYXRlIn0.c2ln';
const AUTH_URL = `${PAGE_URL}&from=context`;
const REDIRECT = 'http://localhost:3000/auth/callback?code=CODE&state=STATE';

function passkey(id: string, username: string, displayName: string, realm = 'realm1', tenant = 'ten1'): Passkey {
  return {
    id,
    passkeyId: `cred-${id}`,
    created: '2030-01-01T10:00:00Z',
    state: 'Active',
    tenant: { id: tenant, displayName: 'Tenant' },
    realm: { id: realm, displayName: 'Bindery' },
    identity: { id: `ident-${id}`, username, displayName },
    theme: { logoUrlLight: '', logoUrlDark: '' },
  };
}

const ann = passkey('local-ann', 'ann', 'Ann Lee');
const bob = passkey('local-bob', 'bob', 'Bob Stone');
const elsewhere = passkey('local-x', 'xena', 'Xena Other', 'other-realm');
const otherTenant = passkey('local-y', 'yuri', 'Yuri Other', 'realm1', 'other-tenant');

let location: StubbedLocation;

beforeEach(() => {
  // What the page remembers of the requests it sent lives in localStorage (shared by the tabs).
  localStorage.clear();
  location = stubLocation(PAGE_URL);
  stubApi({ 'GET /api/config': () => json({ allowed_domains: ['localhost'], sign_in: true, tenant_id: 'ten1', realm_id: 'realm1' }) });
  passkeys.getPasskeys.mockReset().mockResolvedValue([ann]);
  passkeys.getAuthenticationContext.mockReset().mockResolvedValue({
    authUrl: AUTH_URL,
    application: { id: 'app1', displayName: 'Bindery' },
    origin: {},
  });
  passkeys.authenticate.mockReset().mockResolvedValue({ redirectUrl: REDIRECT, message: 'Signed in as ann' });
  passkeys.missingCapabilities.mockReset().mockReturnValue([]);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const renderSignIn = (pageUrl = PAGE_URL) =>
  renderRoute(<BiAuthenticateRoute />, { path: '/bi-authenticate', url: new URL(pageUrl).pathname + new URL(pageUrl).search });
const signInButton = () => screen.findByRole('button', { name: 'Sign in' });
const liveRegion = () => screen.getAllByRole('status').find((element) => element.classList.contains('live--progress'))!;

describe('/bi-authenticate', () => {
  it('reads the full page URL as the sign-in request, preselects a single passkey, and signs in only on the click', async () => {
    renderSignIn();
    expect(screen.getByRole('heading', { level: 1, name: 'Sign in with a passkey' })).toBeTruthy();
    const button = await signInButton();

    expect(passkeys.getAuthenticationContext).toHaveBeenCalledWith(PAGE_URL);
    const radio = screen.getByRole('radio', { name: 'Ann Lee (ann)' }) as HTMLInputElement;
    expect(radio.checked).toBe(true);
    expect(passkeys.authenticate).not.toHaveBeenCalled();

    fireEvent.click(button);
    await waitFor(() => expect(location.assign).toHaveBeenCalledWith(REDIRECT));
    // The URL the SDK gave back from reading the request, and the passkey's local id.
    expect(passkeys.authenticate).toHaveBeenCalledWith(AUTH_URL, 'local-ann');
    expect(passkeys.authenticate).toHaveBeenCalledTimes(1);
    expect(liveRegion().textContent).toBe('Signed in. Taking you back…');
    expect((screen.getByRole('button', { name: 'Sign in' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("lists only the passkeys of the app's tenant and realm, with username and display name", async () => {
    passkeys.getPasskeys.mockResolvedValue([elsewhere, ann, otherTenant, bob]);
    renderSignIn();
    await signInButton();
    const group = screen.getByRole('group', { name: 'Choose a passkey' });
    const radios = within(group).getAllByRole('radio') as HTMLInputElement[];
    expect(radios.map((radio) => radio.value)).toEqual(['local-ann', 'local-bob']);
    expect(within(group).getByRole('radio', { name: 'Bob Stone (bob)' })).toBeTruthy();
    expect(screen.queryByText(/Xena/)).toBeNull();
    expect(screen.queryByText(/Yuri/)).toBeNull();
    // Two of them: nothing is chosen for the person.
    expect(radios.some((radio) => radio.checked)).toBe(false);
  });

  it('with several passkeys, asks to choose one first, then signs in with the chosen one', async () => {
    passkeys.getPasskeys.mockResolvedValue([ann, bob]);
    renderSignIn();
    fireEvent.click(await signInButton());

    expect(screen.getByText('Choose a passkey to sign in with.')).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Choose a passkey' }).getAttribute('aria-describedby')).toBe('passkey-choice-error');
    expect(document.activeElement).toBe(screen.getByRole('radio', { name: 'Ann Lee (ann)' }));
    expect(passkeys.authenticate).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole('radio', { name: 'Bob Stone (bob)' }));
    expect(screen.queryByText('Choose a passkey to sign in with.')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(location.assign).toHaveBeenCalledWith(REDIRECT));
    expect(passkeys.authenticate).toHaveBeenCalledWith(AUTH_URL, 'local-bob');
  });

  it('announces progress in a polite live region', async () => {
    let finish!: (value: { redirectUrl: string }) => void;
    passkeys.getPasskeys.mockReturnValue(new Promise(() => {}));
    renderSignIn();
    expect(liveRegion().textContent).toBe('Loading secure storage…');
    expect(liveRegion().getAttribute('role')).toBe('status');
    cleanup();

    passkeys.getPasskeys.mockResolvedValue([ann]);
    passkeys.authenticate.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    renderSignIn();
    fireEvent.click(await signInButton());
    await waitFor(() => expect(liveRegion().textContent).toBe('Signing in…'));
    expect(screen.getByRole('button', { name: 'Sign in' }).getAttribute('aria-busy')).toBe('true');
    act(() => finish({ redirectUrl: REDIRECT }));
    await waitFor(() => expect(liveRegion().textContent).toBe('Signed in. Taking you back…'));
  });

  it('with no passkey of this realm on this browser: says so, and offers an emailed link or an account', async () => {
    passkeys.getPasskeys.mockResolvedValue([elsewhere]);
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'There is no passkey for this site on this browser' })).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'Email me a link' }).getAttribute('href')).toBe('/email-link');
    expect(within(alert).getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe('/signup');
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
    expect(document.activeElement).toBe(alert);
  });

  it('with no passkeys at all: the same', async () => {
    passkeys.getPasskeys.mockResolvedValue([]);
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'There is no passkey for this site on this browser' })).toBeTruthy();
  });

  it('denied (revoked passkey, suspended account): says this passkey can no longer sign in, offers a link for a new one', async () => {
    passkeys.authenticate.mockRejectedValue(new PasskeyError('denied', 'x'));
    renderSignIn();
    fireEvent.click(await signInButton());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This passkey can no longer sign you in' })).toBeTruthy();
    expect(alert.textContent).toContain('revoked');
    expect(within(alert).getByRole('link', { name: 'Email me a link' }).getAttribute('href')).toBe('/email-link');
    // Only one passkey: nothing else to choose.
    expect(within(alert).queryByRole('button', { name: 'Choose another passkey' })).toBeNull();
    expect(location.assign).not.toHaveBeenCalled();
  });

  it('denied with another passkey on this browser: "Choose another passkey" goes back to the list', async () => {
    passkeys.getPasskeys.mockResolvedValue([ann, bob]);
    passkeys.authenticate.mockRejectedValueOnce(new PasskeyError('denied', 'x'));
    renderSignIn();
    await signInButton();
    fireEvent.click(screen.getByRole('radio', { name: 'Ann Lee (ann)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    fireEvent.click(within(alert).getByRole('button', { name: 'Choose another passkey' }));
    fireEvent.click(screen.getByRole('radio', { name: 'Bob Stone (bob)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(location.assign).toHaveBeenCalledWith(REDIRECT));
    expect(passkeys.authenticate).toHaveBeenLastCalledWith(AUTH_URL, 'local-bob');
  });

  it('an expired request, found on arrival: says so and offers to start again at /auth/login (a full navigation)', async () => {
    passkeys.getAuthenticationContext.mockRejectedValue(new PasskeyError('request_expired', 'x'));
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This sign-in request has expired' })).toBeTruthy();
    const startAgain = within(alert).getByRole('link', { name: 'Start again' });
    expect(startAgain.getAttribute('href')).toBe('/auth/login');
    expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
  });

  it('a request that expired while the page was open: the same, after the click', async () => {
    passkeys.authenticate.mockRejectedValue(new PasskeyError('request_expired', 'x'));
    renderSignIn();
    fireEvent.click(await signInButton());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This sign-in request has expired' })).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'Start again' }).getAttribute('href')).toBe('/auth/login');
  });

  it('not a sign-in URL: says so, and offers the home page', async () => {
    passkeys.getAuthenticationContext.mockRejectedValue(new PasskeyError('not_an_authenticate_url', 'x'));
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This is not a sign-in link' })).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'Go home' }).getAttribute('href')).toBe('/');
  });

  it('Beyond Identity unreachable while signing in: says so, and Retry signs in again with the same passkey', async () => {
    passkeys.authenticate.mockRejectedValueOnce(new PasskeyError('network', 'x'));
    renderSignIn();
    fireEvent.click(await signInButton());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Beyond Identity could not be reached' })).toBeTruthy();
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(location.assign).toHaveBeenCalledWith(REDIRECT));
    expect(passkeys.authenticate).toHaveBeenCalledTimes(2);
    expect(passkeys.authenticate).toHaveBeenLastCalledWith(AUTH_URL, 'local-ann');
  });

  it.each([
    ['its answer could not be read', new PasskeyError('sdk_failed', 'x', { cause: new Error('Failed to decode a response') })],
    ['it answered with a 5xx', new PasskeyError('network', 'x', { httpStatus: 503, cause: new Error('The server responded with a 503 error') })],
    ['anything unexpected', new Error('boom')],
  ])('the SDK failed after the cloud may have used the request (%s): no Retry, Start again gets a new request', async (_, error) => {
    passkeys.authenticate.mockRejectedValueOnce(error);
    renderSignIn();
    fireEvent.click(await signInButton());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This sign-in request cannot be used again' })).toBeTruthy();
    expect(alert.textContent).toContain('You are not signed in.');
    expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(alert).getByRole('link', { name: 'Start again' }).getAttribute('href')).toBe('/auth/login');
    expect(within(alert).getByText('Technical details')).toBeTruthy();
    expect(document.activeElement).toBe(alert);
    expect(passkeys.authenticate).toHaveBeenCalledTimes(1);
    expect(location.assign).not.toHaveBeenCalled();
  });

  it('Beyond Identity unreachable, then the Retry refused (the first try reached it after all): not blamed on the passkey, Start again', async () => {
    passkeys.getPasskeys.mockResolvedValue([ann, bob]);
    passkeys.authenticate.mockRejectedValueOnce(new PasskeyError('network', 'x')).mockRejectedValueOnce(new PasskeyError('denied', 'x'));
    renderSignIn();
    await signInButton();
    fireEvent.click(screen.getByRole('radio', { name: 'Ann Lee (ann)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const unreachable = await screen.findByRole('alert');
    expect(within(unreachable).getByRole('heading', { name: 'Beyond Identity could not be reached' })).toBeTruthy();
    fireEvent.click(within(unreachable).getByRole('button', { name: 'Retry' }));

    await screen.findByRole('heading', { name: 'This sign-in request cannot be used again' });
    const alert = screen.getByRole('alert');
    expect(screen.queryByRole('heading', { name: 'This passkey can no longer sign you in' })).toBeNull();
    expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(within(alert).queryByRole('button', { name: 'Choose another passkey' })).toBeNull();
    expect(within(alert).getByRole('link', { name: 'Start again' }).getAttribute('href')).toBe('/auth/login');
    expect(document.activeElement).toBe(alert);
    expect(passkeys.authenticate).toHaveBeenCalledTimes(2);
  });

  it('Beyond Identity unreachable while reading the request: Retry reads it again', async () => {
    passkeys.getAuthenticationContext.mockRejectedValueOnce(new PasskeyError('network', 'x'));
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Beyond Identity could not be reached' })).toBeTruthy();
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await signInButton()).toBeTruthy();
    expect(passkeys.getAuthenticationContext).toHaveBeenCalledTimes(2);
  });

  it('the chosen passkey is gone from this browser (CredentialNotFound): reads the list again and says there is none', async () => {
    passkeys.authenticate.mockRejectedValue(new PasskeyError('passkey_not_found', 'x'));
    renderSignIn();
    fireEvent.click(await signInButton());
    passkeys.getPasskeys.mockResolvedValue([]);
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'There is no passkey for this site on this browser' })).toBeTruthy();
    await waitFor(() => expect(passkeys.getPasskeys).toHaveBeenCalledTimes(2));
  });

  it('in a browser without Web Crypto: says which browsers work, and touches nothing', async () => {
    passkeys.missingCapabilities.mockReturnValue(['webcrypto']);
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This browser cannot store passkeys' })).toBeTruthy();
    expect(alert.textContent).toContain('Web Crypto API');
    expect(passkeys.getPasskeys).not.toHaveBeenCalled();
    expect(passkeys.getAuthenticationContext).not.toHaveBeenCalled();
  });

  it('when the SDK fails to start: says to reload the page', async () => {
    const failed = new PasskeyError('sdk_load_failed', 'The passkey software could not start in this browser.', { cause: new Error('wasm') });
    passkeys.getPasskeys.mockRejectedValue(failed);
    passkeys.getAuthenticationContext.mockRejectedValue(failed);
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Signing in did not work' })).toBeTruthy();
    expect(alert.textContent).toContain('Reload the page to try again.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(location.reload).toHaveBeenCalled();
  });

  it('when the SDK could not get its settings (config_failed): Retry reads both the request and the passkeys again', async () => {
    const failed = new PasskeyError('config_failed', 'The app server did not give its settings.');
    passkeys.getPasskeys.mockRejectedValueOnce(failed);
    passkeys.getAuthenticationContext.mockRejectedValueOnce(failed);
    renderSignIn();
    const alert = await screen.findByRole('alert');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await signInButton()).toBeTruthy();
    expect(passkeys.getPasskeys).toHaveBeenCalledTimes(2);
    expect(passkeys.getAuthenticationContext).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('when the app server does not give its settings: says so with a Retry', async () => {
    let down = true;
    stubApi({
      'GET /api/config': () =>
        down
          ? json({ error: { code: 'internal_error', message: 'x' } }, 500)
          : json({ allowed_domains: ['localhost'], sign_in: true, tenant_id: 'ten1', realm_id: 'realm1' }),
    });
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Something went wrong' })).toBeTruthy();
    down = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await signInButton()).toBeTruthy();
  });

  describe('a reloaded page (or another tab) whose request this browser already sent', () => {
    /** Leaves the page and opens the same URL again, as a reload does (localStorage stays). */
    const reload = () => {
      cleanup();
      return renderSignIn();
    };

    it('signed in with it before: says the request cannot be used again before anyone clicks, and offers Start again', async () => {
      renderSignIn();
      fireEvent.click(await signInButton());
      await waitFor(() => expect(location.assign).toHaveBeenCalledWith(REDIRECT));

      reload();
      const alert = await screen.findByRole('alert');
      expect(within(alert).getByRole('heading', { name: 'This sign-in request cannot be used again' })).toBeTruthy();
      expect(alert.textContent).toContain('This browser already sent this sign-in request once');
      // Whether that earlier sign-in finished is not known here: no claim either way.
      expect(alert.textContent).not.toContain('You are not signed in');
      expect(within(alert).getByRole('link', { name: 'Start again' }).getAttribute('href')).toBe('/auth/login');
      expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull();
      expect(screen.queryByRole('button', { name: 'Sign in' })).toBeNull();
      expect(passkeys.authenticate).toHaveBeenCalledTimes(1);
    });

    it('left while its proof was on the way: the refusal after the reload reads as a used request, not a refused passkey', async () => {
      passkeys.getPasskeys.mockResolvedValue([ann, bob]);
      passkeys.authenticate.mockReturnValueOnce(new Promise(() => {}));
      renderSignIn();
      await signInButton();
      fireEvent.click(screen.getByRole('radio', { name: 'Ann Lee (ann)' }));
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
      await waitFor(() => expect(liveRegion().textContent).toBe('Signing in…'));

      // The cloud took that proof; this one, with the same request, is refused.
      passkeys.authenticate.mockRejectedValueOnce(new PasskeyError('denied', 'x', { cause: new Error('FlattenedError { error_type: PolicyDenied }') }));
      reload();
      await signInButton();
      fireEvent.click(screen.getByRole('radio', { name: 'Ann Lee (ann)' }));
      fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

      const alert = await screen.findByRole('alert');
      expect(within(alert).getByRole('heading', { name: 'This sign-in request cannot be used again' })).toBeTruthy();
      expect(screen.queryByRole('heading', { name: 'This passkey can no longer sign you in' })).toBeNull();
      expect(within(alert).queryByRole('button', { name: 'Choose another passkey' })).toBeNull();
      expect(within(alert).queryByRole('button', { name: 'Retry' })).toBeNull();
      expect(within(alert).getByRole('link', { name: 'Start again' }).getAttribute('href')).toBe('/auth/login');
      expect(document.activeElement).toBe(alert);
    });

    it('refused before the reload: a refusal is still the passkey’s (the cloud uses a request only to allow it)', async () => {
      passkeys.authenticate.mockRejectedValue(new PasskeyError('denied', 'x'));
      renderSignIn();
      fireEvent.click(await signInButton());
      await screen.findByRole('heading', { name: 'This passkey can no longer sign you in' });

      reload();
      fireEvent.click(await signInButton());
      const alert = await screen.findByRole('alert');
      expect(within(alert).getByRole('heading', { name: 'This passkey can no longer sign you in' })).toBeTruthy();
    });

    it('another request is not affected by what this tab sent for an earlier one', async () => {
      renderSignIn();
      fireEvent.click(await signInButton());
      await waitFor(() => expect(location.assign).toHaveBeenCalledWith(REDIRECT));
      cleanup();

      const next = 'http://localhost:3000/bi-authenticate?request=eyJhbGciOiJSUzI1NiJ9.eyJ2ZXJiIjoiYXV0aGVudGljYXRlIiwianRpIjoiMiJ9.c2ln';
      stubLocation(next);
      renderSignIn(next);
      expect(await signInButton()).toBeTruthy();
      expect(screen.queryByRole('alert')).toBeNull();
    });
  });

  it('refused after the request JWT passed its exp: says the request expired, not that the passkey was refused', async () => {
    const claims = btoa(JSON.stringify({ verb: 'authenticate', exp: Math.floor(Date.now() / 1000) - 5 })).replace(/=+$/, '');
    const expiredUrl = `http://localhost:3000/bi-authenticate?request=eyJhbGciOiJSUzI1NiJ9.${claims}.c2ln`;
    stubLocation(expiredUrl);
    passkeys.authenticate.mockRejectedValue(new PasskeyError('denied', 'x'));
    renderSignIn(expiredUrl);
    fireEvent.click(await signInButton());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This sign-in request has expired' })).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'Start again' }).getAttribute('href')).toBe('/auth/login');
  });

  it("Bindery's own server unreachable (the SDK's settings did not load): names it, not Beyond Identity, and Retry reads everything again", async () => {
    let down = true;
    const api = stubApi({
      'GET /api/config': () => {
        if (down) throw new TypeError('Failed to fetch');
        return json({ allowed_domains: ['localhost'], sign_in: true, tenant_id: 'ten1', realm_id: 'realm1' });
      },
    });
    // What getEmbedded throws when /api/config got no answer.
    const unreachable = new PasskeyError('app_server_unreachable', 'The app server could not be reached.');
    passkeys.getPasskeys.mockRejectedValueOnce(unreachable);
    passkeys.getAuthenticationContext.mockRejectedValueOnce(unreachable);
    renderSignIn();

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Bindery’s server could not be reached' })).toBeTruthy();
    expect(alert.textContent).not.toContain('Beyond Identity');
    // Starting again goes through that same server: only Retry.
    expect(within(alert).queryByRole('link', { name: 'Start again' })).toBeNull();

    down = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await signInButton()).toBeTruthy();
    expect(passkeys.getPasskeys).toHaveBeenCalledTimes(2);
    expect(passkeys.getAuthenticationContext).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(api.calls('GET /api/config').length).toBeGreaterThanOrEqual(2));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("Bindery's own server unreachable for its settings alone: the same, never “Something went wrong”", async () => {
    stubApi({
      'GET /api/config': () => {
        throw new TypeError('Failed to fetch');
      },
    });
    renderSignIn();
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Bindery’s server could not be reached' })).toBeTruthy();
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
