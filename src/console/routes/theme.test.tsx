// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ThemeResponse } from '../../../contracts/console-api';
import { json, stubApi } from '../../lib/testing/fetch-stub';
import { REALM, TENANT, realmPath } from '../lib/testing/fixtures';
import { renderPage } from '../lib/testing/render-console';
import { ThemeRoute } from './theme';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const theme: ThemeResponse = {
  tenant_id: TENANT,
  realm_id: REALM,
  email_realm_name: 'Bindery',
  logo_url_light: 'https://example.com/light.png',
  logo_url_dark: 'https://example.com/dark.png',
  support_url: 'https://example.com/support',
  button_color: '#4673D3',
  button_text_color: '#FFFFFF',
};

describe('/theme', () => {
  it('saves the changed fields and reloads the sandboxed email preview', async () => {
    let previewSubject = 'Add a passkey to Bindery';
    const api = stubApi({
      [`GET ${realmPath('/theme')}`]: () => json(theme),
      [`GET ${realmPath('/theme/email-preview')}`]: () => json({ subject: previewSubject, html: '<p>x</p>', text: 'x', link: 'http://x/PREVIEW' }),
      [`PATCH ${realmPath('/theme')}`]: () => json({ ...theme, id: '9999999999999999', update_time: '2030-01-02T10:00:00Z', email_subject: 'Your {realm} passkey' }),
    });
    renderPage(<ThemeRoute />, { path: '/theme', url: '/theme' });
    const subject = await screen.findByLabelText(/^Email subject/);
    const frame = screen.getByTitle('Binding email preview') as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('src')).toMatch(new RegExp(`^${realmPath('/theme/email-preview.html')}`));
    const before = frame.getAttribute('src');
    expect(await screen.findByText('Add a passkey to Bindery')).toBeTruthy();
    previewSubject = 'Your Bindery passkey';

    fireEvent.change(subject, { target: { value: 'Your {realm} passkey' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save theme' }));
    expect(await screen.findByText(/Theme saved/)).toBeTruthy();
    expect(api.calls(`PATCH ${realmPath('/theme')}`)[0]!.body).toEqual({ theme: { email_subject: 'Your {realm} passkey' } });
    await waitFor(() => expect(screen.getByTitle('Binding email preview').getAttribute('src')).not.toBe(before));
    expect(await screen.findByText('Your Bindery passkey')).toBeTruthy();
  });

  it('shows a bad URL next to its field without saving', async () => {
    const api = stubApi({ [`GET ${realmPath('/theme')}`]: () => json(theme) });
    renderPage(<ThemeRoute />, { path: '/theme', url: '/theme' });
    fireEvent.change(await screen.findByLabelText(/^Support URL/), { target: { value: 'support' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save theme' }));
    expect(await screen.findByText('Must be an absolute http(s) URL')).toBeTruthy();
    expect(api.calls().filter((call) => call.method === 'PATCH')).toHaveLength(0);
  });
});
