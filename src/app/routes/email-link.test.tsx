// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, json, stubApi } from '../../lib/testing/fetch-stub';
import { renderRoute } from '../testing/render-route';
import { EmailLinkRoute, NEUTRAL_CONFIRMATION } from './email-link';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function send(username: string) {
  fireEvent.change(screen.getByRole('textbox', { name: 'Username' }), { target: { value: username } });
  fireEvent.click(screen.getByRole('button', { name: 'Email me a link' }));
}

describe('/email-link', () => {
  it('always answers with the same neutral confirmation', async () => {
    const api = stubApi({ 'POST /api/email-link': () => json({ message: 'Something the server chose to say.' }, 202) });
    renderRoute(<EmailLinkRoute />, { path: '/email-link', url: '/email-link' });
    expect(screen.getByRole('heading', { level: 1, name: 'Email me a link' })).toBeTruthy();

    send(' ann ');

    expect((await screen.findByRole('status')).textContent).toBe(NEUTRAL_CONFIRMATION);
    expect(NEUTRAL_CONFIRMATION).toMatch(/^If an account matches, we sent a link/);
    expect(api.calls('POST /api/email-link')[0]!.body).toEqual({ username: 'ann' });
  });

  it('says how long to wait when rate limited', async () => {
    stubApi({ 'POST /api/email-link': () => apiError(429, 'rate_limited', {}, { 'Retry-After': '600' }) });
    renderRoute(<EmailLinkRoute />, { path: '/email-link', url: '/email-link' });
    send('ann');
    expect((await screen.findByRole('alert')).textContent).toBe('Too many requests, try again in 10 minutes.');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('asks for a value before sending', () => {
    const api = stubApi({});
    renderRoute(<EmailLinkRoute />, { path: '/email-link', url: '/email-link' });
    send('   ');
    const input = screen.getByRole('textbox', { name: 'Username' });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter your username.')).toBeTruthy();
    expect(api.calls()).toHaveLength(0);
  });
});
