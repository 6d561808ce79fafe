// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi } from '../../lib/testing/fetch-stub';
import { getCsrfToken, setCsrfToken } from '../lib/session-store';
import { consoleError, session } from '../lib/testing/fixtures';
import { renderPage } from '../lib/testing/render-console';
import { SignInRoute } from './sign-in';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setCsrfToken(null);
});

function fill(username: string, password: string) {
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

function renderSignIn(url = '/sign-in') {
  const view = renderPage(<SignInRoute />, { path: '/sign-in', url });
  // Signed out: no CSRF token until the session says one.
  setCsrfToken(null);
  return view;
}

describe('/sign-in', () => {
  it('names each missing field and asks the cloud nothing', async () => {
    const api = stubApi({});
    renderSignIn();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Enter the username.')).toBeTruthy();
    expect(screen.getByText('Enter the password.')).toBeTruthy();
    expect(screen.getByLabelText('Username').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Username'));
    expect(api.calls()).toHaveLength(0);
  });

  it('says the credentials are wrong (without saying which) and clears the password', async () => {
    stubApi({ 'POST /console/api/session': () => consoleError(401, 'invalid_credentials', 'invalid username or password') });
    renderSignIn();
    fill('admin', 'wrong');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The username or password is wrong.'));
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));
    // Still on the sign-in page.
    expect(screen.queryByTestId('location')).toBeNull();
  });

  it('says how long to wait after too many failures (429 Retry-After)', async () => {
    stubApi({
      'POST /console/api/session': () => consoleError(429, 'too_many_requests', 'too many failed sign-ins; try again in 290 s', {}, { 'Retry-After': '290' }),
    });
    renderSignIn();
    fill('admin', 'wrong');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many failed sign-ins: try again in 5 minutes.'));
  });

  it('signs in, keeps the CSRF token and goes back to `next`', async () => {
    const api = stubApi({ 'POST /console/api/session': () => json(session({ csrf_token: 'fresh' })) });
    renderSignIn('/sign-in?next=%2Fidentities%2F1111111111111111');
    fill(' admin ', 'correct horse');
    expect((await screen.findByTestId('location')).textContent).toBe('/identities/1111111111111111');
    expect(api.calls()[0]!.body).toEqual({ username: 'admin', password: 'correct horse' });
    expect(getCsrfToken()).toBe('fresh');
  });

  it('never follows a `next` that leaves the console', async () => {
    stubApi({ 'POST /console/api/session': () => json(session()) });
    renderSignIn('/sign-in?next=%2F%2Fevil.example%2Fx');
    fill('admin', 'pw');
    expect((await screen.findByTestId('location')).textContent).toBe('/identities');
  });
});
