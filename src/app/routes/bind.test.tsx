// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PasskeyError } from '../../passkeys/passkey-error';
import type { BindPasskeyResponse } from '../../passkeys/types';
import { apiError, json, stubApi, type StubHandler } from '../../lib/testing/fetch-stub';
import { bindingLinkKeys } from '../features/binding/api/binding-link-keys';
import { emailLinkParams, emailLinkUrl } from '../testing/email-link';
import { renderRoute, testQueryClient } from '../testing/render-route';
import { stubLocation } from '../testing/stub-location';
import { BindRoute } from './bind';

// The SDK is replaced at the src/passkeys seam: these tests are about the page. The real SDK
// runs in the Playwright e2e.
const passkeys = vi.hoisted(() => ({
  bindPasskey: vi.fn(),
  preloadEmbedded: vi.fn(),
  missingCapabilities: vi.fn((): string[] => []),
}));
vi.mock('../../passkeys/bind-passkey', () => ({ bindPasskey: passkeys.bindPasskey }));
vi.mock('../../passkeys/embedded', () => ({ preloadEmbedded: passkeys.preloadEmbedded, getEmbedded: vi.fn() }));
vi.mock('../../passkeys/browser-support', () => ({
  missingCapabilities: passkeys.missingCapabilities,
  assertBrowserSupport: vi.fn(),
}));

const ORIGIN = window.location.origin;
const params = emailLinkParams;
const emailUrl = emailLinkUrl;
const invokeLink =
  'http://localhost:8787/v1/tenants/ten1/realms/realm1/identities/ident1/credential-binding-jobs/job1:invokeAuthenticator?token=TOKEN123';

const usablePreview = {
  state: 'usable',
  identity: { username: 'ann', display_name: 'Ann Lee' },
  realm: { display_name: 'Bindery Dev' },
  expire_time: '2030-01-02T03:04:05Z',
};

const me = { identity_id: 'ident1', username: 'ann', display_name: 'Ann Lee', email: 'ann@example.com' };

function bound(overrides: Partial<BindPasskeyResponse> = {}): BindPasskeyResponse {
  return {
    passkey: {
      id: 'local-1',
      passkeyId: 'cred-1',
      created: '2030-01-01T10:00:00Z',
      state: 'Active',
      tenant: { id: 'ten1', displayName: 'Tenant' },
      realm: { id: 'realm1', displayName: 'Bindery Dev' },
      identity: { id: 'ident1', username: 'ann', displayName: 'Ann Lee' },
      theme: { logoUrlLight: '', logoUrlDark: '' },
    },
    ...overrides,
  };
}

/** The backend: signed out, config, and a preview answering `previews` in turn (the last one repeats). */
function backend(options: { previews?: StubHandler[]; signedIn?: boolean; signIn?: boolean; extra?: Record<string, StubHandler> } = {}) {
  const previews = options.previews ?? [() => json(usablePreview)];
  let previewCalls = 0;
  return stubApi({
    'GET /api/me': () => (options.signedIn ? json(me) : apiError(401, 'unauthenticated')),
    'GET /api/config': () => json({ allowed_domains: ['localhost'], sign_in: options.signIn ?? false, tenant_id: 'ten1', realm_id: 'realm1' }),
    'POST /api/binding-link/preview': (request) => previews[Math.min(previewCalls++, previews.length - 1)]!(request),
    ...options.extra,
  });
}

const renderBind = (url: string, queryClient = testQueryClient()) =>
  renderRoute(<BindRoute />, { path: '/bind', url, queryClient });

const createButton = () => screen.findByRole('button', { name: 'Create passkey' });

/** Clicks Create, expects the failure headed `heading`, then Retry, and expects the passkey bound. */
async function failsThenRetryBinds(heading: string): Promise<void> {
  fireEvent.click(await createButton());
  const alert = await screen.findByRole('alert');
  expect(within(alert).getByRole('heading', { name: heading })).toBeTruthy();
  fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
  expect(await screen.findByText(/is ready on this browser/)).toBeTruthy();
}

beforeEach(() => {
  passkeys.bindPasskey.mockReset();
  passkeys.preloadEmbedded.mockReset().mockResolvedValue(undefined);
  passkeys.missingCapabilities.mockReset().mockReturnValue([]);
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('/bind with an EMAIL link', () => {
  it('shows whose passkey it creates, on what, before any click, and binds only on the click', async () => {
    const api = backend();
    renderBind(emailUrl());

    expect(screen.getByRole('heading', { level: 1, name: 'Create a passkey' })).toBeTruthy();
    const button = await createButton();
    expect(screen.getByText('Ann Lee')).toBeTruthy();
    expect(screen.getByText('(ann)')).toBeTruthy();
    expect(screen.getByText('Bindery Dev')).toBeTruthy();
    expect(screen.getByText('On this browser')).toBeTruthy();
    expect(screen.getByText('Link expires')).toBeTruthy();
    expect(api.calls('POST /api/binding-link/preview')[0]!.body).toEqual(params);

    // The page loaded the SDK already, and did not bind.
    expect(passkeys.preloadEmbedded).toHaveBeenCalled();
    expect(passkeys.bindPasskey).not.toHaveBeenCalled();
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(passkeys.bindPasskey).not.toHaveBeenCalled();

    passkeys.bindPasskey.mockResolvedValue(bound());
    fireEvent.click(button);

    const status = await screen.findByText(/is ready on this browser/);
    expect(status.closest('[role="status"]')?.textContent).toContain('ann');
    expect(passkeys.bindPasskey).toHaveBeenCalledTimes(1);
    // http api_base_url: the query becomes the :invokeAuthenticator link (bi-protocol.md).
    expect(passkeys.bindPasskey.mock.calls[0]![0]).toBe(invokeLink);
    expect(screen.getByRole('link', { name: 'Continue' }).getAttribute('href')).toBe('/passkeys');
  });

  it('after binding, the cached preview is stale: back on the same URL, the page reads the link again and says it was used', async () => {
    const api = backend({ previews: [() => json(usablePreview), () => json({ state: 'used' })] });
    const queryClient = testQueryClient();
    const first = renderBind(emailUrl(), queryClient);
    passkeys.bindPasskey.mockResolvedValue(bound());
    fireEvent.click(await createButton());
    await screen.findByText(/is ready on this browser/);
    expect(queryClient.getQueryState(bindingLinkKeys.preview('job1'))?.isInvalidated).toBe(true);
    // Shown the success, not read again meanwhile.
    expect(api.calls('POST /api/binding-link/preview')).toHaveLength(1);

    first.unmount();
    renderBind(emailUrl(), queryClient);
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This link was already used' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create passkey' })).toBeNull();
    expect(api.calls('POST /api/binding-link/preview')).toHaveLength(2);
  });

  it('passes an https link to the SDK unchanged', async () => {
    backend();
    const url = emailUrl({ api_base_url: 'https://api-us.beyondidentity.com' });
    renderBind(url);
    passkeys.bindPasskey.mockResolvedValue(bound());
    fireEvent.click(await createButton());
    await screen.findByText(/is ready on this browser/);
    expect(passkeys.bindPasskey.mock.calls[0]![0]).toBe(`${ORIGIN}${url}`);
  });

  it('announces progress in a polite live region: secure storage, key, cloud', async () => {
    backend();
    passkeys.preloadEmbedded.mockReturnValue(new Promise(() => {}));
    let finish!: (value: BindPasskeyResponse) => void;
    let progress!: (phase: 'loading' | 'binding') => void;
    passkeys.bindPasskey.mockImplementation(
      (_link: string, options: { onProgress: (phase: 'loading' | 'binding') => void }) =>
        new Promise((resolve) => {
          progress = options.onProgress;
          finish = resolve;
          progress('loading');
        }),
    );
    renderBind(emailUrl());
    const button = await createButton();
    fireEvent.click(button);

    const live = () => screen.getByText(/Loading secure storage…|Creating your key…|Registering with the cloud…/);
    expect((await screen.findByText('Loading secure storage…')).getAttribute('role')).toBe('status');
    expect(screen.getByRole('button', { name: 'Create passkey' }).getAttribute('aria-busy')).toBe('true');

    act(() => progress('binding'));
    expect(live().textContent).toBe('Creating your key…');
    expect(await screen.findByText('Registering with the cloud…', undefined, { timeout: 2000 })).toBeTruthy();

    act(() => finish(bound()));
    const status = await screen.findByRole('status');
    await waitFor(() => expect(status.textContent).toContain('Your passkey for ann is ready on this browser.'));
  });

  it('follows a same-origin postBindingRedirectUri after the success message', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    backend();
    passkeys.bindPasskey.mockResolvedValue(bound({ postBindingRedirectUri: `${ORIGIN}/welcome?x=1` }));
    renderBind(emailUrl());
    fireEvent.click(await createButton());
    await screen.findByText(/is ready on this browser/);
    expect(screen.getByRole('link', { name: 'Continue' }).getAttribute('href')).toBe('/welcome?x=1');
    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect((await screen.findByTestId('location')).textContent).toBe('/welcome?x=1');
  });

  it('follows a postBindingRedirectUri under /auth/ (sign in with the new passkey) with a full page navigation', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const location = stubLocation(emailUrl());
    backend({ signIn: true });
    passkeys.bindPasskey.mockResolvedValue(bound({ postBindingRedirectUri: `${ORIGIN}/auth/login?return_to=/passkeys` }));
    renderBind(emailUrl());
    fireEvent.click(await createButton());
    expect(await screen.findByText(/Taking you to sign in with it in a moment/)).toBeTruthy();
    // A plain link (the router has no /auth routes), for those who do not wait.
    const signIn = screen.getByRole('link', { name: 'Sign in with your new passkey' });
    expect(signIn.getAttribute('href')).toBe('/auth/login?return_to=/passkeys');

    expect(location.assign).not.toHaveBeenCalled();
    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(location.assign).toHaveBeenCalledExactlyOnceWith('/auth/login?return_to=/passkeys');
    // Not through the router: it would have shown "Page not found".
    expect(screen.queryByTestId('location')).toBeNull();
  });

  it('signed out with nothing to follow: offers to sign in with the new passkey', async () => {
    backend({ signIn: true });
    passkeys.bindPasskey.mockResolvedValue(bound());
    renderBind(emailUrl());
    fireEvent.click(await createButton());
    await screen.findByText(/is ready on this browser/);
    expect(screen.getByRole('link', { name: 'Sign in with your new passkey' }).getAttribute('href')).toBe('/auth/login?return_to=/passkeys');
    expect(screen.queryByRole('link', { name: 'Continue' })).toBeNull();
  });

  it('signed in with nothing to follow: Continue to the passkeys', async () => {
    backend({ signIn: true, signedIn: true });
    passkeys.bindPasskey.mockResolvedValue(bound());
    renderBind(emailUrl());
    fireEvent.click(await createButton());
    await screen.findByText(/is ready on this browser/);
    expect(screen.getByRole('link', { name: 'Continue' }).getAttribute('href')).toBe('/passkeys');
    expect(screen.queryByRole('link', { name: 'Sign in with your new passkey' })).toBeNull();
  });

  it('ignores a postBindingRedirectUri of another origin', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    backend();
    passkeys.bindPasskey.mockResolvedValue(bound({ postBindingRedirectUri: 'https://evil.example/phish' }));
    renderBind(emailUrl());
    fireEvent.click(await createButton());
    await screen.findByText(/is ready on this browser/);
    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(screen.queryByTestId('location')).toBeNull();
    expect(screen.getByRole('link', { name: 'Continue' }).getAttribute('href')).toBe('/passkeys');
  });

  it.each(['token', 'tenant_id', 'api_base_url'])('says "not a binding link" without %s, and asks nothing of the backend', async (missing) => {
    const api = backend();
    const query = new URLSearchParams(params);
    query.delete(missing);
    renderBind(`/bind?${query.toString()}`);
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This is not a binding link' })).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'Email me a new link' }).getAttribute('href')).toBe('/email-link');
    expect(api.calls('POST /api/binding-link/preview')).toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Create passkey' })).toBeNull();
  });

  it('says an expired link has expired; signed out, "Email me a new link" goes to the form', async () => {
    backend({ previews: [() => json({ state: 'expired' })] });
    renderBind(emailUrl());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This link has expired' })).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'Email me a new link' }).getAttribute('href')).toBe('/email-link');
    expect(screen.queryByRole('button', { name: 'Create passkey' })).toBeNull();
  });

  it('signed in, "Email me a new link" sends one at once and says so', async () => {
    const api = backend({
      signedIn: true,
      previews: [() => json({ state: 'expired' })],
      extra: { 'POST /api/me/email-link': () => json({ message: 'A link is on its way to your email address.' }, 202) },
    });
    renderBind(emailUrl());
    const alert = await screen.findByRole('alert');
    fireEvent.click(await within(alert).findByRole('button', { name: 'Email me a new link' }));
    expect(await within(alert).findByText('A link is on its way to your email address.')).toBeTruthy();
    expect(api.calls('POST /api/me/email-link')).toHaveLength(1);
  });

  it('says a used link was used, and points to the passkeys', async () => {
    backend({ previews: [() => json({ state: 'used' })] });
    renderBind(emailUrl());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This link was already used' })).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'See your passkeys' }).getAttribute('href')).toBe('/passkeys');
  });

  it('says a revoked link was revoked, and to ask for a new one', async () => {
    backend({ previews: [() => json({ state: 'revoked' })] });
    renderBind(emailUrl());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This link was revoked' })).toBeTruthy();
    expect(alert.textContent).toContain('Ask for a new link.');
  });

  it('says when Beyond Identity cannot be reached for the preview, with a Retry', async () => {
    backend({ previews: [() => apiError(502, 'cloud_unreachable'), () => json(usablePreview)] });
    renderBind(emailUrl());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Beyond Identity could not be reached' })).toBeTruthy();
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await createButton()).toBeTruthy();
  });

  it("says when Bindery's own server does not answer the preview (not Beyond Identity), with a Retry that previews again", async () => {
    const api = backend({
      previews: [
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => json(usablePreview),
      ],
    });
    renderBind(emailUrl());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Bindery’s server could not be reached' })).toBeTruthy();
    expect(alert.textContent).not.toContain('Beyond Identity');
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await createButton()).toBeTruthy();
    expect(api.calls('POST /api/binding-link/preview')).toHaveLength(2);
  });

  it("after a failed bind, a preview that gets no answer names Bindery's server; Retry binds again", async () => {
    backend({
      previews: [
        () => json(usablePreview),
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => json(usablePreview),
      ],
    });
    passkeys.bindPasskey
      .mockRejectedValueOnce(new PasskeyError('sdk_failed', 'x', { cause: new Error('Failed to decode a response') }))
      .mockResolvedValueOnce(bound());
    renderBind(emailUrl());
    await failsThenRetryBinds('Bindery’s server could not be reached');
    expect(passkeys.bindPasskey).toHaveBeenCalledTimes(2);
  });

  it("when the SDK cannot get its settings from Bindery's server, names that server; Retry binds again", async () => {
    backend();
    passkeys.bindPasskey
      .mockRejectedValueOnce(new PasskeyError('app_server_unreachable', 'x', { cause: new TypeError('Failed to fetch') }))
      .mockResolvedValueOnce(bound());
    renderBind(emailUrl());
    await failsThenRetryBinds('Bindery’s server could not be reached');
    expect(passkeys.bindPasskey).toHaveBeenCalledTimes(2);
  });

  it("when the SDK does not start because Bindery's server is down, says so before any click; Retry starts it again", async () => {
    backend();
    passkeys.preloadEmbedded
      .mockRejectedValueOnce(new PasskeyError('app_server_unreachable', 'x', { cause: new TypeError('Failed to fetch') }))
      .mockResolvedValue(undefined);
    renderBind(emailUrl());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Bindery’s server could not be reached' })).toBeTruthy();
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await createButton()).toBeTruthy();
    expect(passkeys.bindPasskey).not.toHaveBeenCalled();
  });

  it('after a failed bind, asks the backend: a link that expired meanwhile is "expired", whatever the SDK said', async () => {
    const api = backend({ previews: [() => json(usablePreview), () => json({ state: 'expired' })] });
    passkeys.bindPasskey.mockRejectedValue(new PasskeyError('sdk_failed', 'x', { cause: new Error('responded with a 403 error') }));
    renderBind(emailUrl());
    fireEvent.click(await createButton());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This link has expired' })).toBeTruthy();
    expect(api.calls('POST /api/binding-link/preview')).toHaveLength(2);
  });

  it('after a failed bind with the link still usable and no answer from the cloud: unreachable, Retry binds again', async () => {
    backend();
    passkeys.bindPasskey
      .mockRejectedValueOnce(new PasskeyError('network', 'x', { cause: new TypeError('Failed to fetch') }))
      .mockResolvedValueOnce(bound());
    renderBind(emailUrl());
    await failsThenRetryBinds('Beyond Identity could not be reached');
    expect(passkeys.bindPasskey).toHaveBeenCalledTimes(2);
  });

  it('reports any other SDK failure with Retry and collapsed, token-free details', async () => {
    backend();
    passkeys.bindPasskey.mockRejectedValue(
      new PasskeyError('sdk_failed', 'x', { cause: new Error('While invoking authenticator http://c/x?token=TOKEN123 Failed to decode a response') }),
    );
    renderBind(emailUrl());
    fireEvent.click(await createButton());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'The passkey could not be created' })).toBeTruthy();
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
    const details = alert.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('Failed to decode a response');
    expect(details.textContent).not.toContain('TOKEN123');
  });

  it('in a browser without IndexedDB, says which browsers work and offers no button', async () => {
    backend();
    passkeys.missingCapabilities.mockReturnValue(['indexeddb']);
    renderBind(emailUrl());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'This browser cannot store passkeys' })).toBeTruthy();
    expect(alert.textContent).toContain('IndexedDB');
    expect(alert.textContent).toContain('Chrome, Edge, Firefox or Safari');
    expect(screen.queryByRole('button', { name: 'Create passkey' })).toBeNull();
  });
});

describe('/bind for the RETURN flow', () => {
  const returnLink = {
    link: 'http://localhost:8787/v1/tenants/t/realms/r/identities/i/credential-binding-jobs/job9:invokeAuthenticator?token=SECRET',
    job_id: 'job9',
    expire_time: '2030-01-01T00:00:00Z',
  };

  it('gets a link from the backend once (StrictMode), previews it by job id, never puts it in the URL', async () => {
    const api = backend({ signedIn: true, extra: { 'POST /api/me/binding-link': () => json(returnLink) } });
    const { router } = renderBind('/bind?next=/passkeys');
    const button = await createButton();

    expect(api.calls('POST /api/me/binding-link')).toHaveLength(1);
    expect(api.calls('POST /api/me/binding-link')[0]!.body).toEqual({ post_binding_redirect_path: '/passkeys' });
    expect(api.calls('POST /api/binding-link/preview')[0]!.body).toEqual({ job_id: 'job9', own: true });
    passkeys.bindPasskey.mockResolvedValue(bound());
    fireEvent.click(button);
    await screen.findByText(/is ready on this browser/);
    expect(passkeys.bindPasskey.mock.calls[0]![0]).toBe(returnLink.link);
    expect(router.state.location.search).not.toContain('SECRET');
    expect(JSON.stringify(router.state.location.state ?? null)).not.toContain('SECRET');
  });

  it('drops a ?next that is not a same-origin path', async () => {
    const api = backend({ signedIn: true, extra: { 'POST /api/me/binding-link': () => json(returnLink) } });
    renderBind('/bind?next=//evil.example/x');
    await createButton();
    expect(api.calls('POST /api/me/binding-link')[0]!.body).toEqual({});
  });

  it('uses the link sign-up left in memory, without asking for another', async () => {
    const api = backend({ signedIn: true });
    const queryClient = testQueryClient();
    queryClient.setQueryData(bindingLinkKeys.return(null), returnLink);
    renderBind('/bind', queryClient);
    await createButton();
    expect(api.calls('POST /api/me/binding-link')).toHaveLength(0);
  });

  it("signed out right after sign-up: binds with sign-up's link, showing whose passkey it is, then goes to sign in", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const location = stubLocation('http://localhost:3000/bind');
    const api = backend({ signIn: true });
    const queryClient = testQueryClient();
    queryClient.setQueryData(bindingLinkKeys.return(null), { ...returnLink, identity: me });
    renderBind('/bind', queryClient);

    const button = await createButton();
    expect(screen.getByText('Ann Lee')).toBeTruthy();
    expect(screen.getByText('(ann)')).toBeTruthy();
    // No session to preview "my own" link with, and no new link asked for.
    expect(api.calls('POST /api/binding-link/preview')).toHaveLength(0);
    expect(api.calls('POST /api/me/binding-link')).toHaveLength(0);

    passkeys.bindPasskey.mockResolvedValue(bound({ postBindingRedirectUri: `${ORIGIN}/auth/login?return_to=/passkeys` }));
    fireEvent.click(button);
    await screen.findByText(/is ready on this browser/);
    expect(passkeys.bindPasskey.mock.calls[0]![0]).toBe(returnLink.link);
    await act(() => vi.advanceTimersByTimeAsync(3000));
    expect(location.assign).toHaveBeenCalledWith('/auth/login?return_to=/passkeys');
  });

  it("signed out with sign-up's link, a failed bind is named from the SDK's hint (there is no preview to ask)", async () => {
    const api = backend();
    const queryClient = testQueryClient();
    queryClient.setQueryData(bindingLinkKeys.return(null), { ...returnLink, identity: me });
    passkeys.bindPasskey.mockRejectedValue(new PasskeyError('network', 'x', { cause: new TypeError('Failed to fetch') }));
    renderBind('/bind', queryClient);
    fireEvent.click(await createButton());
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Beyond Identity could not be reached' })).toBeTruthy();
    expect(api.calls('POST /api/binding-link/preview')).toHaveLength(0);
  });

  it('signed out, says to sign in or create an account', async () => {
    backend();
    renderBind('/bind');
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Sign in to add a passkey' })).toBeTruthy();
    expect(within(alert).getByRole('link', { name: 'Create an account' }).getAttribute('href')).toBe('/signup');
  });
});
