// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi } from '../../lib/testing/fetch-stub';
import { APP_ID, application, consoleError, realmPath } from '../lib/testing/fixtures';
import { renderPage } from '../lib/testing/render-console';
import { ApplicationsRoute } from './applications';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const app = application();
const config = app.authenticator_config!;

function stub(patchConfig: () => Response) {
  return stubApi({
    [`GET ${realmPath('/applications')}`]: () => json({ applications: [app] }),
    [`GET ${realmPath('/authenticator-configs')}`]: () => json({ authenticator_configs: [config] }),
    [`PATCH ${realmPath(`/authenticator-configs/${config.id}`)}`]: patchConfig,
    [`PATCH ${realmPath(`/applications/${APP_ID}`)}`]: () => json(app.application),
  });
}

async function openEdit() {
  renderPage(<ApplicationsRoute />, { path: '/applications', url: '/applications' });
  const table = await screen.findByRole('table', { name: 'Applications' });
  await waitFor(() => expect((within(table).getByRole('button', { name: 'Edit' }) as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(within(table).getByRole('button', { name: 'Edit' }));
  return screen.findByRole('dialog', { name: 'Edit Bindery App' });
}

describe('/applications', () => {
  it('edits the application and its authenticator config (one origin and redirect URI per line)', async () => {
    const api = stub(() => json(config));
    const dialog = await openEdit();
    fireEvent.change(within(dialog).getByLabelText(/^Redirect URIs/), { target: { value: 'http://localhost:3000/auth/callback\n\nhttp://localhost:4000/cb\n' } });
    fireEvent.change(within(dialog).getByLabelText(/^Trusted origins/), { target: { value: 'http://localhost:3000\nhttp://localhost:4000' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /WebAuthn passkey/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved Bindery App.')).toBeTruthy();
    // This answer issued no secret: nothing to copy.
    expect(screen.queryByRole('region', { name: /^Client credentials of/ })).toBeNull();
    expect(api.calls(`PATCH ${realmPath(`/authenticator-configs/${config.id}`)}`)[0]!.body).toEqual({
      authenticator_config: {
        config: {
          type: 'embedded',
          invoke_url: 'http://localhost:3000',
          trusted_origins: ['http://localhost:3000', 'http://localhost:4000'],
          invocation_type: 'automatic',
          authentication_methods: [{ type: 'webauthn_passkey' }],
        },
      },
    });
    expect(api.calls(`PATCH ${realmPath(`/applications/${APP_ID}`)}`)[0]!.body).toEqual({
      application: { protocol_config: { redirect_uris: ['http://localhost:3000/auth/callback', 'http://localhost:4000/cb'] } },
    });
  });

  it('shows a client secret that an update issued, once (a legacy confidential client had none)', async () => {
    const issued = {
      ...app.application,
      protocol_config: { type: 'oidc' as const, client_id: `client-${APP_ID}`, confidentiality: 'confidential' as const, client_secret: 'the-new-secret-of-the-app' },
    };
    stubApi({
      [`GET ${realmPath('/applications')}`]: () => json({ applications: [app] }),
      [`GET ${realmPath('/authenticator-configs')}`]: () => json({ authenticator_configs: [config] }),
      [`PATCH ${realmPath(`/applications/${APP_ID}`)}`]: () => json(issued),
    });
    const dialog = await openEdit();
    fireEvent.change(within(dialog).getByLabelText(/^Redirect URIs/), { target: { value: 'http://localhost:3000/auth/callback' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved Bindery App. A new client secret was issued.')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const card = screen.getByRole('region', { name: 'Client credentials of Bindery App' });
    expect(within(card).getByRole('alert').textContent).toMatch(/Copy the client secret now/);
    expect(within(card).getByText('the-new-secret-of-the-app')).toBeTruthy();
    expect(within(card).getByText(`client-${APP_ID}`)).toBeTruthy();
    expect(within(card).getByRole('button', { name: 'Copy secret' })).toBeTruthy();

    // Shown once: gone when the admin says it is copied.
    fireEvent.click(within(card).getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByText('the-new-secret-of-the-app')).toBeNull();
  });

  it('shows the cloud’s FieldViolations next to the fields', async () => {
    stub(() =>
      consoleError(400, 'bad_request', 'invalid parameters', {
        details: [
          {
            type: 'FieldViolations',
            field_violations: [
              { field: 'authenticator_config.config.trusted_origins.1', description: 'must be an http(s) origin such as https://app.example.com' },
            ],
          },
        ],
      }),
    );
    const dialog = await openEdit();
    // Valid for the form's own check (the contract's schema), refused by the cloud.
    fireEvent.change(within(dialog).getByLabelText(/^Trusted origins/), { target: { value: 'http://localhost:3000\nhttp://localhost:4000' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const origins = within(dialog).getByLabelText(/^Trusted origins/);
    await waitFor(() => expect(origins.getAttribute('aria-invalid')).toBe('true'));
    const describedBy = origins.getAttribute('aria-describedby')!.split(' ');
    const messages = describedBy.map((id) => document.getElementById(id)?.textContent);
    expect(messages).toContain('Line 2: must be an http(s) origin such as https://app.example.com');
    expect(within(dialog).getByRole('alert').textContent).toMatch(/see the messages next to them/);
  });

  it('checks the fields with the contract’s schema before asking the cloud', async () => {
    const api = stub(() => json(config));
    const dialog = await openEdit();
    fireEvent.change(within(dialog).getByLabelText(/^Invoke URL/), { target: { value: 'not a url' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('Must be an absolute http(s) URL')).toBeTruthy();
    expect(api.calls().filter((call) => call.method === 'PATCH')).toHaveLength(0);
  });

  it('creates a public application with PKCE S256 (Beyond Identity refuses a public client without it)', async () => {
    const created = { ...app.application, id: 'bbbbbbbbbbbbbbbb', display_name: 'Mobile', authenticator_config_id: undefined };
    const api = stubApi({
      [`GET ${realmPath('/applications')}`]: () => json({ applications: [app] }),
      [`GET ${realmPath('/authenticator-configs')}`]: () => json({ authenticator_configs: [config] }),
      [`POST ${realmPath('/applications')}`]: () => json(created),
    });
    renderPage(<ApplicationsRoute />, { path: '/applications', url: '/applications' });
    const open = await screen.findByRole('button', { name: 'Create application' });
    await waitFor(() => expect((open as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(open);
    const dialog = await screen.findByRole('dialog', { name: 'Create application' });
    fireEvent.change(within(dialog).getByLabelText(/^Display name/), { target: { value: 'Mobile' } });
    fireEvent.change(within(dialog).getByLabelText(/^Client type/), { target: { value: 'public' } });
    fireEvent.change(within(dialog).getByLabelText(/^Redirect URIs/), { target: { value: 'http://localhost:5000/cb' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create application' }));
    await waitFor(() => expect(api.calls(`POST ${realmPath('/applications')}`)).toHaveLength(1));
    expect(api.calls(`POST ${realmPath('/applications')}`)[0]!.body).toMatchObject({
      application: { display_name: 'Mobile', protocol_config: { type: 'oidc', confidentiality: 'public', pkce: 's256', redirect_uris: ['http://localhost:5000/cb'] } },
    });
  });

  it('offers no Edit for a managed application ("Managed applications may not be modified by the user")', async () => {
    const managed = application({ id: 'cccccccccccccccc', name: 'Management API', canBind: false });
    stubApi({
      [`GET ${realmPath('/applications')}`]: () => json({ applications: [app, managed] }),
      [`GET ${realmPath('/authenticator-configs')}`]: () => json({ authenticator_configs: [config] }),
    });
    renderPage(<ApplicationsRoute />, { path: '/applications', url: '/applications' });
    const table = await screen.findByRole('table', { name: 'Applications' });
    const rows = within(table).getAllByRole('row');
    const managedRow = rows.find((row) => within(row).queryByText('Management API'))!;
    expect(within(managedRow).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(within(managedRow).getByText('Not editable')).toBeTruthy();
    expect(within(table).getAllByRole('button', { name: 'Edit' })).toHaveLength(1);
  });
});
