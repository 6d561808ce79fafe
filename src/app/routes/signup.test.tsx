// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, stubApi } from '../../lib/testing/fetch-stub';
import { bindingLinkKeys } from '../features/binding/api/binding-link-keys';
import { renderRoute } from '../testing/render-route';
import { SignupRoute } from './signup';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const renderSignup = () => renderRoute(<SignupRoute />, { path: '/signup', url: '/signup' });

function fill(values: { username?: string; email?: string; display_name?: string }) {
  if (values.username !== undefined) fireEvent.change(screen.getByLabelText('Username'), { target: { value: values.username } });
  if (values.email !== undefined) fireEvent.change(screen.getByLabelText('Email address'), { target: { value: values.email } });
  if (values.display_name !== undefined) {
    fireEvent.change(screen.getByLabelText('Display name'), { target: { value: values.display_name } });
  }
}

const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

/** The error text tied to an input by aria-describedby. */
function describedErrors(input: HTMLElement): string {
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id))
    .filter((element) => element?.className === 'field__error')
    .map((element) => element!.textContent)
    .join(' ');
}

describe('/signup', () => {
  it('is a labelled form with a heading', () => {
    stubApi({ 'GET /api/me': () => apiError(401, 'unauthenticated') });
    renderSignup();
    expect(screen.getByRole('heading', { level: 1, name: 'Create an account' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Username' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Email address' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Display name' })).toBeTruthy();
  });

  it("shows the contract schema's messages on each field, without calling the backend", async () => {
    const api = stubApi({ 'GET /api/me': () => apiError(401, 'unauthenticated') });
    renderSignup();
    fill({ username: 'a b', email: 'nope', display_name: '' });
    submit();

    const username = screen.getByLabelText('Username');
    expect(username.getAttribute('aria-invalid')).toBe('true');
    expect(describedErrors(username)).toBe('Use letters, digits, dots, dashes or underscores.');
    expect(describedErrors(screen.getByLabelText('Email address'))).toBe('Enter an email address like ann@example.com.');
    expect(describedErrors(screen.getByLabelText('Display name'))).toBe('Enter your name.');
    expect(document.activeElement).toBe(username);
    expect(api.calls('POST /api/signup')).toHaveLength(0);
  });

  it('puts username_taken on the username field: "That username is taken."', async () => {
    stubApi({
      'GET /api/me': () => apiError(401, 'unauthenticated'),
      'POST /api/signup': () => apiError(409, 'username_taken'),
    });
    renderSignup();
    fill({ username: 'ann', email: 'ann@example.com', display_name: 'Ann Lee' });
    submit();

    const username = screen.getByLabelText('Username');
    await waitFor(() => expect(describedErrors(username)).toBe('That username is taken.'));
    expect(username.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(username);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("puts the server's per-field messages on their fields", async () => {
    stubApi({
      'GET /api/me': () => apiError(401, 'unauthenticated'),
      'POST /api/signup': () => apiError(400, 'invalid_request', { fields: { email: 'That domain does not take mail.' } }),
    });
    renderSignup();
    fill({ username: 'ann', email: 'ann@example.com', display_name: 'Ann Lee' });
    submit();
    await waitFor(() => expect(describedErrors(screen.getByLabelText('Email address'))).toBe('That domain does not take mail.'));
  });

  it('on success keeps the binding link in memory only and goes to /bind with no query, still signed out', async () => {
    const binding = { link: 'http://cloud/v1/x:invokeAuthenticator?token=SECRET', job_id: 'job1', expire_time: '2030-01-01T00:00:00Z' };
    const me = { identity_id: 'i1', username: 'ann', display_name: 'Ann Lee', email: 'ann@example.com' };
    const api = stubApi({
      'GET /api/me': () => apiError(401, 'unauthenticated'),
      'POST /api/signup': () => json({ me, binding }, 201),
    });
    const { queryClient, router } = renderSignup();
    fill({ username: ' ann ', email: 'ann@example.com', display_name: 'Ann Lee' });
    submit();

    expect((await screen.findByTestId('location')).textContent).toBe('/bind');
    expect(api.calls('POST /api/signup')[0]!.body).toEqual({ username: 'ann', email: 'ann@example.com', display_name: 'Ann Lee' });
    // With whose passkey it creates: sign-up starts no session, so the session stays signed out.
    expect(queryClient.getQueryData(bindingLinkKeys.return(null))).toEqual({ ...binding, identity: me });
    expect(queryClient.getQueryData(['me'])).toBeNull();
    expect(router.state.location.search).toBe('');
    expect(router.state.location.state).toBeNull();
  });

  it('account created without a link: says so, keeps the form away, and offers the EMAIL link for that username', async () => {
    const me = { identity_id: 'i1', username: 'ann', display_name: 'Ann Lee', email: 'ann@example.com' };
    const api = stubApi({
      'GET /api/me': () => apiError(401, 'unauthenticated'),
      'POST /api/signup': () => json({ me, binding: null }, 201),
      'POST /api/email-link': () => json({ message: 'neutral' }, 202),
    });
    const { router } = renderSignup();
    fill({ username: 'ann', email: 'ann@example.com', display_name: 'Ann Lee' });
    submit();

    const heading = await screen.findByRole('heading', { level: 1, name: 'Your account was created' });
    expect(document.activeElement).toBe(heading);
    expect(screen.getByText(/could not be made just now, so ann has no passkey yet/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create account' })).toBeNull();
    expect(screen.queryByText(/was not created/)).toBeNull();
    expect(router.state.location.pathname).toBe('/signup');

    fireEvent.click(screen.getByRole('button', { name: 'Email me a link' }));
    expect((await screen.findByRole('status')).textContent).toBe('We asked for a link to ann@example.com. Open it on this device to create your passkey.');
    expect(api.calls('POST /api/email-link').map((c) => c.body)).toEqual([{ username: 'ann' }]);
  });

  it('says when there were too many attempts', async () => {
    stubApi({
      'GET /api/me': () => apiError(401, 'unauthenticated'),
      'POST /api/signup': () => apiError(429, 'rate_limited', {}, { 'Retry-After': '300' }),
    });
    renderSignup();
    fill({ username: 'ann', email: 'ann@example.com', display_name: 'Ann Lee' });
    submit();
    expect((await screen.findByRole('alert')).textContent).toBe('Too many requests, try again in 5 minutes.');
  });
});
