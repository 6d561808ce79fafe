// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TokenRow } from '../../../contracts/console-api';
import { json, stubApi } from '../../lib/testing/fetch-stub';
import { MGMT_APP_ID, realmPath } from '../lib/testing/fixtures';
import { renderPage, testQueryClient } from '../lib/testing/render-console';
import { groupScopes, TokensRoute } from './tokens';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const SECRET = 'bi_secret_token_value_0123456789abcdefXYZ12345';
const ALLOWED = ['identities:read', 'identities:create', 'credential-binding-jobs:create', 'scim:users:read', 'tenants:read'];

function tokenRow(overrides: Partial<TokenRow> = {}): TokenRow {
  return {
    id: '8888888888888888',
    display_name: 'CI',
    scopes: ['identities:read'],
    token_suffix: 'abcd1234',
    issue_time: '2030-01-01T10:00:00Z',
    expire_time: '2030-01-01T11:00:00Z',
    ...overrides,
  };
}

function stubTokens() {
  const state = { tokens: [tokenRow()] };
  const api = stubApi({
    [`GET ${realmPath('/tokens')}`]: () =>
      json({ application_id: MGMT_APP_ID, allowed_scopes: ALLOWED, max_lifetime_seconds: 86_400, tokens: state.tokens, total_size: state.tokens.length }),
    [`POST ${realmPath('/tokens')}`]: (request) => {
      const body = request.body as { scopes: string[]; display_name?: string };
      const token = tokenRow({ id: '9999999999999999', display_name: body.display_name ?? null, scopes: body.scopes, token_suffix: SECRET.slice(-8) });
      state.tokens = [...state.tokens, token];
      return json({ token, access_token: SECRET });
    },
    [`DELETE ${realmPath('/tokens/8888888888888888')}`]: () => {
      state.tokens = state.tokens.filter((token) => token.id !== '8888888888888888');
      return new Response(null, { status: 204 });
    },
  });
  return { api, state };
}

describe('groupScopes', () => {
  it('groups by resource (everything before the last colon)', () => {
    expect(groupScopes(ALLOWED)).toEqual([
      ['credential-binding-jobs', ['credential-binding-jobs:create']],
      ['identities', ['identities:create', 'identities:read']],
      ['scim:users', ['scim:users:read']],
      ['tenants', ['tenants:read']],
    ]);
  });
});

describe('/tokens', () => {
  it('lists live tokens: name, scopes, issued, expires, suffix', async () => {
    stubTokens();
    renderPage(<TokensRoute />, { path: '/tokens', url: '/tokens' });
    const table = await screen.findByRole('table', { name: 'API tokens' });
    const row = within(table).getAllByRole('row')[1]!;
    expect(within(row).getByRole('rowheader').textContent).toBe('CI');
    expect(row.textContent).toContain('1 scope');
    expect(row.textContent).toContain('…abcd1234');
  });

  it('lists every page of live tokens, so the newest (last, oldest first) show past the first 100', async () => {
    const all = Array.from({ length: 103 }, (_, i) => tokenRow({ id: String(1_000_000_000_000_000 + i), display_name: i === 102 ? 'the new one' : `t${i}` }));
    const api = stubApi({
      [`GET ${realmPath('/tokens')}`]: (request) => {
        const url = new URL(request.url, 'http://localhost');
        const from = Number(url.searchParams.get('page_token') ?? 0);
        const size = Number(url.searchParams.get('page_size'));
        const next = from + size < all.length ? String(from + size) : undefined;
        return json({ application_id: MGMT_APP_ID, allowed_scopes: ALLOWED, max_lifetime_seconds: 86_400, tokens: all.slice(from, from + size), total_size: all.length, ...(next ? { next_page_token: next } : {}) });
      },
    });
    renderPage(<TokensRoute />, { path: '/tokens', url: '/tokens' });
    const table = await screen.findByRole('table', { name: 'API tokens' });
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 103);
    expect(within(table).getByRole('rowheader', { name: 'the new one' })).toBeTruthy();
    // The first page, then the next one its token names (StrictMode may read the list twice).
    expect(new Set(api.calls(`GET ${realmPath('/tokens')}`).map((c) => new URL(c.url, 'http://localhost').searchParams.get('page_token')))).toEqual(new Set([null, '100']));
  });

  it('creates a token with the chosen scopes and shows it once, with a warning and a copy button', async () => {
    const { api } = stubTokens();
    const queryClient = testQueryClient();
    const view = renderPage(<TokensRoute />, { path: '/tokens', url: '/tokens', queryClient });
    const form = (await screen.findByRole('heading', { name: 'Create a token' })).closest('section')!;

    fireEvent.click(await within(form).findByRole('button', { name: 'Create token' }));
    expect(await within(form).findByText('Choose at least one scope.')).toBeTruthy();
    expect(api.calls(`POST ${realmPath('/tokens')}`)).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText(/^Name/), { target: { value: 'Deploy' } });
    // A group's checkbox selects its scopes; "Select all" then reads "some".
    fireEvent.click(within(form).getByRole('checkbox', { name: 'identities' }));
    fireEvent.click(within(form).getByRole('checkbox', { name: 'tenants:read' }));
    const all = within(form).getByRole('checkbox', { name: 'Select all' }) as HTMLInputElement;
    expect(all.indeterminate).toBe(true);
    fireEvent.click(within(form).getByRole('button', { name: 'Create token' }));

    const created = await screen.findByRole('region', { name: 'Your new API token: Deploy' });
    expect(within(created).getByLabelText('API token').textContent).toBe(SECRET);
    expect(within(created).getByRole('alert').textContent).toMatch(/shown only this once/);
    expect(within(created).getByRole('button', { name: 'Copy token' })).toBeTruthy();
    expect(api.calls(`POST ${realmPath('/tokens')}`)[0]!.body).toEqual({
      scopes: ['identities:create', 'identities:read', 'tenants:read'],
      lifetime_seconds: 86_400,
      display_name: 'Deploy',
    });
    // The list refetches and shows the suffix only; the token is in no cache.
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'API tokens' })).getByText('Deploy')).toBeTruthy());
    const cached = JSON.stringify([...queryClient.getQueryCache().getAll().map((query) => query.state.data), ...queryClient.getMutationCache().getAll().map((m) => m.state.data)]);
    expect(cached).not.toContain(SECRET);

    fireEvent.click(within(created).getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByText(SECRET)).toBeNull();
    // Its button went with the card: focus goes to the page's heading, not to <body>.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1 })));

    // Coming back to the page does not show it again either.
    view.unmount();
    renderPage(<TokensRoute />, { path: '/tokens', url: '/tokens', queryClient });
    await screen.findByRole('table', { name: 'API tokens' });
    expect(screen.queryByText(SECRET)).toBeNull();
  });

  it('revokes a token after a confirmation', async () => {
    const { api } = stubTokens();
    renderPage(<TokensRoute />, { path: '/tokens', url: '/tokens' });
    const table = await screen.findByRole('table', { name: 'API tokens' });
    fireEvent.click(within(table).getByRole('button', { name: 'Revoke' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this API token?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('No live API tokens.')).toBeTruthy();
    expect(screen.getByText('Token CI revoked.')).toBeTruthy();
    expect(api.calls(`DELETE ${realmPath('/tokens/8888888888888888')}`)).toHaveLength(1);
  });
});
