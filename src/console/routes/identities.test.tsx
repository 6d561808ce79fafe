// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi, type StubRequest } from '../../lib/testing/fetch-stub';
import { APP_ID, BATCH, BOB, application, identityRow, jobRow, realmPath } from '../lib/testing/fixtures';
import { renderPage } from '../lib/testing/render-console';
import { IdentitiesRoute } from './identities';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

const ann = identityRow();
const bob = identityRow({ id: BOB, username: 'bob', display_name: 'Bob Stone', email: null, status: 'suspended', passkey_bound: true });

/** The identities route of the stub: filters by `q` like the cloud (substring of username, name or email). */
function identities(rows = [ann, bob]) {
  return (request: StubRequest) => {
    const q = (new URL(request.url, 'http://localhost').searchParams.get('q') ?? '').toLowerCase();
    const hits = rows.filter((row) => [row.username, row.display_name, row.email ?? ''].some((value) => value.toLowerCase().includes(q)));
    return json({ identities: hits, total_size: hits.length });
  };
}

const render = () => renderPage(<IdentitiesRoute />, { path: '/identities', url: '/identities' });

describe('/identities', () => {
  it('shows a loading state, then one row per identity with its status and "passkey bound"', async () => {
    stubApi({ [`GET ${realmPath('/identities')}`]: identities(), [`GET ${realmPath('/applications')}`]: () => json({ applications: [application()] }) });
    render();
    expect(screen.getByRole('heading', { level: 1, name: 'Identities' })).toBeTruthy();
    expect(screen.getByText('Loading identities…')).toBeTruthy();

    const table = await screen.findByRole('table', { name: 'Identities' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent))).toEqual([
      ['', 'Ann Lee', 'ann@example.com', 'active', 'No'],
      ['', 'Bob Stone', 'none', 'suspended', 'Yes'],
    ]);
    expect(within(rows[0]!).getByRole('link', { name: 'ann' }).getAttribute('href')).toBe(`/identities/${ann.id}`);
    expect(screen.getByText('2 identities.')).toBeTruthy();
  });

  it('says so when the realm has no identities', async () => {
    stubApi({ [`GET ${realmPath('/identities')}`]: identities([]), [`GET ${realmPath('/applications')}`]: () => json({ applications: [] }) });
    render();
    expect(await screen.findByText('No identities yet. Create the first one with “Create identity”.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('searches once the typing pauses (debounced q), and says when nothing matches', async () => {
    const api = stubApi({ [`GET ${realmPath('/identities')}`]: identities(), [`GET ${realmPath('/applications')}`]: () => json({ applications: [] }) });
    const { router } = render();
    await screen.findByRole('table', { name: 'Identities' });

    const search = screen.getByRole('searchbox', { name: 'Search identities' });
    fireEvent.change(search, { target: { value: 'b' } });
    fireEvent.change(search, { target: { value: 'bo' } });
    await waitFor(() => expect(screen.queryByRole('link', { name: 'ann' })).toBeNull());
    expect(screen.getByRole('link', { name: 'bob' })).toBeTruthy();
    const queries = api.calls(`GET ${realmPath('/identities')}`).map((call) => new URL(call.url, 'http://localhost').searchParams.get('q'));
    // A request for the settled search, none for the intermediate "b". (StrictMode mounts twice,
    // which cancels and repeats the first request.)
    expect(queries).not.toContain('b');
    expect(queries.at(-1)).toBe('bo');
    expect(router.state.location.search).toBe('?q=bo');

    fireEvent.change(search, { target: { value: 'zz' } });
    expect(await screen.findByText('No identities match “zz”.')).toBeTruthy();
  });

  it('an earlier search, typed again, starts at page 1 (not at the page it was left on)', async () => {
    const paged = (request: StubRequest) => {
      const url = new URL(request.url, 'http://localhost');
      const token = url.searchParams.get('page_token');
      const q = url.searchParams.get('q') ?? '';
      const row = identityRow({ id: token ? BOB : identityRow().id, username: `${q || 'all'}-p${token ? 2 : 1}` });
      return json({ identities: [row], total_size: 2, ...(token ? {} : { next_page_token: `tok-${q}` }) });
    };
    stubApi({ [`GET ${realmPath('/identities')}`]: paged, [`GET ${realmPath('/applications')}`]: () => json({ applications: [] }) });
    render();
    await screen.findByRole('link', { name: 'all-p1' });
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await screen.findByRole('link', { name: 'all-p2' });

    const search = screen.getByRole('searchbox', { name: 'Search identities' });
    fireEvent.change(search, { target: { value: 'ann' } });
    await screen.findByRole('link', { name: 'ann-p1' });
    fireEvent.change(search, { target: { value: '' } });
    expect(await screen.findByRole('link', { name: 'all-p1' })).toBeTruthy();
    expect(screen.getByText('Page 1')).toBeTruthy();
  });

  it('shows a failure with a retry', async () => {
    let fail = true;
    stubApi({
      [`GET ${realmPath('/identities')}`]: (request) => (fail ? json({ code: 'service_unavailable', message: 'down' }, 503) : identities()(request)),
      [`GET ${realmPath('/applications')}`]: () => json({ applications: [] }),
    });
    render();
    const alert = (await screen.findByText(/Could not load the identities/)).closest<HTMLElement>('[role="alert"]')!;
    fail = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('table', { name: 'Identities' })).toBeTruthy();
  });

  it('sends passkey emails to the selected identities as a batch, then opens its results', async () => {
    const api = stubApi({
      [`GET ${realmPath('/identities')}`]: identities(),
      [`GET ${realmPath('/applications')}`]: () => json({ applications: [application(), application({ id: 'dddddddddddddddd', name: 'Management API', canBind: false })] }),
      [`POST ${realmPath('/batch-jobs')}`]: () =>
        json({
          batch: { id: BATCH, state: 'RUNNING', authenticator_config_id: 'ffffffffffffffff', create_time: '2030-01-01T10:00:00Z', update_time: '2030-01-01T10:00:00Z' },
          results: [
            { identity_id: ann.id, username: 'ann', job: jobRow(), error: null },
            { identity_id: BOB, username: 'bob', job: null, error: 'identity has no email address' },
          ],
          counts: { total: 1, success: 0, failure: 0, pending: 1 },
        }),
    });
    render();
    await screen.findByRole('table', { name: 'Identities' });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select ann' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select bob' }));
    expect(screen.getByText('2 identities selected.')).toBeTruthy();
    // The one application that can bind is chosen; the other is offered but disabled.
    await waitFor(() => expect((screen.getByRole('combobox', { name: 'Application' }) as HTMLSelectElement).value).toBe(APP_ID));
    expect((screen.getByRole('option', { name: 'Management API (cannot bind)' }) as HTMLOptionElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Send passkey emails' }));
    expect((await screen.findByTestId('location')).textContent).toBe(`/batch/${BATCH}`);
    expect(api.calls(`POST ${realmPath('/batch-jobs')}`)[0]!.body).toEqual({ identity_ids: [ann.id, BOB], application_id: APP_ID });
  });

  it('asks for a selection before sending', async () => {
    const api = stubApi({ [`GET ${realmPath('/identities')}`]: identities(), [`GET ${realmPath('/applications')}`]: () => json({ applications: [application()] }) });
    render();
    await screen.findByRole('table', { name: 'Identities' });
    fireEvent.click(screen.getByRole('button', { name: 'Send passkey emails' }));
    expect(await screen.findByText('Select at least one identity first.')).toBeTruthy();
    expect(api.calls(`POST ${realmPath('/batch-jobs')}`)).toHaveLength(0);
  });

  it('creates an identity in a dialog and shows the cloud’s field errors next to the fields', async () => {
    let attempt = 0;
    const api = stubApi({
      [`GET ${realmPath('/identities')}`]: identities([]),
      [`GET ${realmPath('/applications')}`]: () => json({ applications: [] }),
      [`POST ${realmPath('/identities')}`]: () =>
        ++attempt === 1
          ? json({ code: 'conflict', message: 'an identity with username "carol" already exists' }, 409)
          : json({ ...identityRow({ id: '6666666666666666', username: 'carol2' }), traits: {} }),
    });
    render();
    fireEvent.click(screen.getByRole('button', { name: 'Create identity' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create identity' });
    // The page behind is hidden from assistive technology while the dialog is open.
    expect(screen.getAllByRole('button', { name: 'Create identity' })).toHaveLength(1);
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Username'));

    fireEvent.click(within(dialog).getByRole('button', { name: 'Create identity' }));
    expect(await within(dialog).findAllByText('Must not be empty')).toHaveLength(2);
    expect(api.calls(`POST ${realmPath('/identities')}`)).toHaveLength(0);

    fireEvent.change(within(dialog).getByLabelText('Username'), { target: { value: 'carol' } });
    fireEvent.change(within(dialog).getByLabelText('Display name'), { target: { value: 'Carol' } });
    fireEvent.change(within(dialog).getByLabelText(/Email address/), { target: { value: 'carol@example.com' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create identity' }));
    expect(await within(dialog).findByText(/That username is taken/)).toBeTruthy();

    fireEvent.change(within(dialog).getByLabelText('Username'), { target: { value: 'carol2' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create identity' }));
    expect((await screen.findByTestId('location')).textContent).toBe('/identities/6666666666666666');
    expect(api.calls(`POST ${realmPath('/identities')}`)[1]!.body).toEqual({ username: 'carol2', display_name: 'Carol', email: 'carol@example.com' });
  });
});

describe('/identities, search and navigation', () => {
  it('clears the search box when a link clears ?q', async () => {
    stubApi({ [`GET ${realmPath('/identities')}`]: identities(), [`GET ${realmPath('/applications')}`]: () => json({ applications: [] }) });
    const { router } = renderPage(<IdentitiesRoute />, { path: '/identities', url: '/identities?q=bob' });
    const search = (await screen.findByRole('searchbox', { name: 'Search identities' })) as HTMLInputElement;
    expect(search.value).toBe('bob');
    await screen.findByRole('link', { name: 'bob' });
    await act(() => router.navigate('/identities'));
    await waitFor(() => expect(search.value).toBe(''));
    expect(await screen.findByRole('link', { name: 'ann' })).toBeTruthy();
    // And it stays cleared once the debounce has settled.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(router.state.location.search).toBe('');
  });
});
