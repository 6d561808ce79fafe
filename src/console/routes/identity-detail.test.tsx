// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobRow } from '../../../contracts/console-api';
import { json, stubApi, type StubHandler } from '../../lib/testing/fetch-stub';
import { FakeEventSource } from '../lib/testing/fake-event-source';
import {
  ANN,
  APP_ID,
  CREDENTIAL,
  JOB,
  application,
  consoleError,
  credentialRow,
  identityDetail,
  jobRow,
  realmPath,
} from '../lib/testing/fixtures';
import { renderPage } from '../lib/testing/render-console';
import { IdentityDetailRoute } from './identity-detail';

const OTHER_APP = '7777777777777777';
const identityPath = (path = '') => realmPath(`/identities/${ANN}${path}`);

beforeEach(() => FakeEventSource.install());

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The cloud as the page sees it: credentials and jobs change as the binding goes on. */
function stubCloud(overrides: Record<string, StubHandler> = {}) {
  const state = { credentials: [] as ReturnType<typeof credentialRow>[], jobs: [] as JobRow[], identity: identityDetail() };
  const api = stubApi({
    [`GET ${identityPath()}`]: () => json(state.identity),
    [`GET ${identityPath('/credentials')}`]: () => json({ credentials: state.credentials, total_size: state.credentials.length }),
    [`GET ${identityPath('/jobs')}`]: () => json({ jobs: state.jobs }),
    [`GET ${realmPath('/applications')}`]: () =>
      json({
        applications: [application(), application({ id: OTHER_APP, name: 'Partner portal' }), application({ id: 'dddddddddddddddd', name: 'Management API', canBind: false })],
      }),
    [`POST ${identityPath('/jobs')}`]: () => {
      state.jobs = [jobRow()];
      return json({ job: jobRow() });
    },
    ...overrides,
  });
  return { api, state };
}

const render = () => renderPage(<IdentityDetailRoute />, { path: '/identities/:identityId', url: `/identities/${ANN}` });

/** Opens "Add a passkey", chooses the application and proceeds; returns the dialog. */
async function sendEmail() {
  const opener = await screen.findByRole('button', { name: 'Add a passkey' });
  // A click focuses the button in browsers; fireEvent does not.
  opener.focus();
  fireEvent.click(opener);
  const dialog = await screen.findByRole('dialog', { name: 'Add a passkey' });
  const select = await within(dialog).findByRole('combobox', { name: 'Application' });
  expect((within(dialog).getByRole('option', { name: 'Management API (no embedded authenticator config)' }) as HTMLOptionElement).disabled).toBe(true);
  fireEvent.change(select, { target: { value: APP_ID } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Proceed & send email' }));
  return dialog;
}

const stream = () => {
  const open = FakeEventSource.open();
  expect(open).toHaveLength(1);
  return open[0]!;
};

describe('/identities/:id, "Add a passkey"', () => {
  it('asks for an application first', async () => {
    const { api } = stubCloud();
    render();
    fireEvent.click(await screen.findByRole('button', { name: 'Add a passkey' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a passkey' });
    await within(dialog).findByRole('combobox', { name: 'Application' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Proceed & send email' }));
    expect(await within(dialog).findByText('Choose an application first.')).toBeTruthy();
    expect(api.calls(`POST ${identityPath('/jobs')}`)).toHaveLength(0);
  });

  it('sends the email and follows the job live: LINK_SENT → LINK_OPENED → COMPLETE, then the lists update', async () => {
    const { api, state } = stubCloud();
    render();
    expect(await screen.findByText('No credentials yet. “Add a passkey” sends a binding link.')).toBeTruthy();
    const dialog = await sendEmail();

    const status = await within(dialog).findByRole('status');
    expect(status.textContent).toContain('LINK_SENT');
    expect(api.calls(`POST ${identityPath('/jobs')}`)[0]!.body).toEqual({ application_id: APP_ID });
    // Focus moves to the live view's heading.
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Passkey email to ann@example.com'));

    const source = stream();
    expect(source.url).toBe(`${identityPath(`/jobs/${JOB}`)}/events`);
    act(() => source.emit('job', jobRow({ email: { recipient: 'ann@example.com', state: 'sent', attempts: 1, last_error: null, sent_time: '2030-01-01T10:00:01Z' } })));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('Email sent to ann@example.com.'));

    act(() => source.emit('job', jobRow({ state: 'LINK_OPENED' })));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('LINK_OPENED'));

    const credentialReads = api.calls(`GET ${identityPath('/credentials')}`).length;
    state.credentials = [credentialRow()];
    state.jobs = [jobRow({ state: 'COMPLETE', credential_id: CREDENTIAL })];
    state.identity = identityDetail({ passkey_bound: true, enrollment_status: 'ENROLLED' });
    act(() => source.emit('job', jobRow({ state: 'COMPLETE', credential_id: CREDENTIAL })));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('COMPLETE'));
    act(() => source.emit('end', { reason: 'terminal' }));
    expect(source.readyState).toBe(FakeEventSource.CLOSED);

    // COMPLETE invalidated the credentials (and the identity): they are read again, no reload.
    await waitFor(() => expect(api.calls(`GET ${identityPath('/credentials')}`).length).toBeGreaterThan(credentialReads));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const credentials = screen.getByRole('table', { name: 'Credentials' });
    expect(within(credentials).getByText(CREDENTIAL)).toBeTruthy();
    expect(within(credentials).getByText('thumbprint-of-the-key')).toBeTruthy();
    const jobs = screen.getByRole('table', { name: 'Binding jobs' });
    await waitFor(() => expect(within(jobs).getByText('COMPLETE')).toBeTruthy());
    // The page keeps the latest job's state after the dialog closed; focus went back to the opener.
    expect(screen.getByRole('region', { name: 'Latest passkey email' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add a passkey' }));
  });

  it("keeps the identity's enrollment status current: PENDING once the email is sent, INVITE_FAILED when it fails, UNENROLLED after a revoke", async () => {
    const { state } = stubCloud({
      [`POST ${identityPath('/jobs')}`]: () => {
        state.jobs = [jobRow()];
        state.identity = identityDetail({ enrollment_status: 'PENDING' });
        return json({ job: jobRow() });
      },
      [`POST ${identityPath(`/jobs/${JOB}/revoke`)}`]: () => {
        state.jobs = [jobRow({ state: 'REVOKED' })];
        state.identity = identityDetail({ enrollment_status: 'UNENROLLED' });
        return json(state.jobs[0]);
      },
    });
    state.identity = identityDetail({ enrollment_status: 'UNENROLLED' });
    render();
    const enrollment = () => screen.getByText('Enrollment').nextElementSibling?.textContent;
    await waitFor(() => expect(enrollment()).toBe('UNENROLLED'));

    const dialog = await sendEmail();
    await within(dialog).findByRole('status');
    await waitFor(() => expect(enrollment()).toBe('PENDING'));

    state.jobs = [jobRow({ state: 'FAILED_TO_SEND', state_reason: 'email could not be sent: smtp down' })];
    state.identity = identityDetail({ enrollment_status: 'INVITE_FAILED' });
    act(() => stream().emit('job', state.jobs[0]!));
    await waitFor(() => expect(enrollment()).toBe('INVITE_FAILED'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // Another visit, with a pending job, revoked from the jobs table.
    cleanup();
    state.jobs = [jobRow()];
    state.identity = identityDetail({ enrollment_status: 'PENDING' });
    render();
    await waitFor(() => expect(enrollment()).toBe('PENDING'));
    const jobs = await screen.findByRole('table', { name: 'Binding jobs' });
    fireEvent.click(await within(jobs).findByRole('button', { name: 'Revoke' }));
    const confirm = await screen.findByRole('dialog', { name: 'Revoke this binding job?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(enrollment()).toBe('UNENROLLED'));
  });

  it('shows FAILED_TO_SEND with its reason', async () => {
    stubCloud();
    render();
    const dialog = await sendEmail();
    await within(dialog).findByRole('status');
    act(() =>
      stream().emit(
        'job',
        jobRow({
          state: 'FAILED_TO_SEND',
          state_reason: 'email could not be sent: 550 mailbox unavailable',
          email: { recipient: 'ann@example.com', state: 'failed', attempts: 5, last_error: '550 mailbox unavailable', sent_time: null },
        }),
      ),
    );
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('FAILED_TO_SEND'));
    expect(within(dialog).getByRole('status').textContent).toContain('Reason: email could not be sent: 550 mailbox unavailable');
    expect(within(dialog).getByRole('status').textContent).toContain('failed after 5 attempts');
  });

  it('falls back to polling the job when the event stream errors', async () => {
    stubCloud({ [`GET ${identityPath(`/jobs/${JOB}`)}`]: () => json(jobRow({ state: 'LINK_OPENED' })) });
    render();
    const dialog = await sendEmail();
    await within(dialog).findByRole('status');
    act(() => stream().fail());
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('LINK_OPENED'));
    expect(within(dialog).getByText(/Live updates are unavailable; checking every 2 seconds/)).toBeTruthy();
    expect(FakeEventSource.open()).toHaveLength(0);
  });

  it('opens a new stream when one ends with a timeout', async () => {
    stubCloud();
    render();
    const dialog = await sendEmail();
    await within(dialog).findByRole('status');
    const first = stream();
    act(() => first.emit('end', { reason: 'timeout' }));
    const second = stream();
    expect(second).not.toBe(first);
    act(() => second.emit('job', jobRow({ state: 'LINK_OPENED' })));
    await waitFor(() => expect(within(dialog).getByRole('status').textContent).toContain('LINK_OPENED'));
  });

  it('shows why no email was sent, in the dialog', async () => {
    stubCloud({ [`POST ${identityPath('/jobs')}`]: () => consoleError(422, 'unprocessable_entity', 'identity has no email address') });
    render();
    const dialog = await sendEmail();
    expect(await within(dialog).findByText('No email was sent. Identity has no email address.')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Proceed & send email' })).toBeTruthy();
  });

  it('generates the curl for a binding link, with placeholders and no secret', async () => {
    const curl = [
      `curl -sS -X POST 'http://localhost:8787/v1/tenants/t/realms/r/identities/${ANN}/credential-binding-jobs' \\`,
      `  -H "Authorization: Bearer $API_TOKEN" \\`,
      `  -H 'Content-Type: application/json' \\`,
      `  -d '{"job":{"delivery_method":"RETURN","authenticator_config_id":"ffffffffffffffff"}}'`,
    ].join('\n');
    const { api } = stubCloud({
      [`GET ${identityPath('/binding-link-curl')}`]: () =>
        json({
          curl,
          token_curl: `curl -sS -X POST 'http://localhost:8787/v1/tenants/t/realms/r/applications/m/token' \\\n  -u "$CLIENT_ID:$CLIENT_SECRET" \\\n  -d grant_type=client_credentials`,
          method: 'POST',
          url: `http://localhost:8787/v1/tenants/t/realms/r/identities/${ANN}/credential-binding-jobs`,
          body: { job: { delivery_method: 'RETURN', authenticator_config_id: 'ffffffffffffffff' } },
          placeholders: ['$API_TOKEN', '$CLIENT_ID', '$CLIENT_SECRET'],
        }),
    });
    render();
    fireEvent.click(await screen.findByRole('button', { name: 'Add a passkey' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a passkey' });
    fireEvent.change(await within(dialog).findByRole('combobox', { name: 'Application' }), { target: { value: OTHER_APP } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Generate curl for link from the API' }));

    const pre = await within(dialog).findByLabelText('curl command');
    expect(pre.tagName).toBe('PRE');
    expect(pre.textContent).toBe(curl);
    expect(pre.textContent).toContain('$API_TOKEN');
    expect(within(dialog).getByLabelText('token curl command').textContent).toContain('$CLIENT_SECRET');
    expect(within(dialog).getByText('$CLIENT_ID')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Copy' })).toBeTruthy();
    const call = api.calls(`GET ${identityPath('/binding-link-curl')}`)[0]!;
    expect(new URL(call.url, 'http://localhost').searchParams.get('application_id')).toBe(OTHER_APP);
    // Nothing was created.
    expect(api.calls(`POST ${identityPath('/jobs')}`)).toHaveLength(0);

    const writeText = vi.fn<(text: string) => Promise<void>>().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Copy' }));
    expect(await within(dialog).findByText('Copied.')).toBeTruthy();
    expect(writeText).toHaveBeenCalledWith(curl);

    // "Back" goes with the curl view: focus goes to the choice it returns to, not to <body>.
    const back = within(dialog).getByRole('button', { name: 'Back' });
    back.focus();
    fireEvent.click(back);
    const select = await within(dialog).findByRole('combobox', { name: 'Application' });
    await waitFor(() => expect(document.activeElement).toBe(select));
  });
});

describe('/identities/:id', () => {
  it('Edit puts focus on the form\'s first field (its button is gone), and Cancel back on Edit', async () => {
    stubCloud();
    render();
    const edit = await screen.findByRole('button', { name: 'Edit' });
    edit.focus();
    fireEvent.click(edit);
    const form = await screen.findByRole('form', { name: 'Edit identity' });
    await waitFor(() => expect(document.activeElement).toBe(within(form).getByLabelText(/^Display name/)));
    fireEvent.click(within(form).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Edit' })));
  });

  it('revokes a credential after a confirmation', async () => {
    const { api, state } = stubCloud({
      [`POST ${identityPath(`/credentials/${CREDENTIAL}/revoke`)}`]: () => {
        state.credentials = [credentialRow({ state: 'REVOKED' })];
        return json(credentialRow({ state: 'REVOKED' }));
      },
    });
    state.credentials = [credentialRow()];
    render();
    const table = await screen.findByRole('table', { name: 'Credentials' });
    fireEvent.click(within(table).getByRole('button', { name: 'Revoke' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this credential?' });
    // The safe choice has focus.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText(`Credential ${CREDENTIAL} revoked.`)).toBeTruthy();
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Credentials' })).getByText('REVOKED')).toBeTruthy());
    expect(api.calls(`POST ${identityPath(`/credentials/${CREDENTIAL}/revoke`)}`)).toHaveLength(1);
  });

  it('lists the credentials newest first, a page at a time; "Show more" reads the older ones', async () => {
    // 150 credentials, the newest first, as the cloud pages them (100 a page).
    const ids = Array.from({ length: 150 }, (_, n) => `c${String(150 - n).padStart(15, '0')}`);
    const all = ids.map((id, n) => credentialRow({ id, jwk_thumbprint: `thumb-${id}`, state: n === 0 || n === 149 ? 'ACTIVE' : 'REVOKED' }));
    const credentials = () => all.map((row) => ({ ...row }));
    const { api } = stubCloud({
      [`GET ${identityPath('/credentials')}`]: ({ url }) => {
        const query = new URL(url, 'http://localhost').searchParams;
        const from = query.get('page_token') === 'older-than-100' ? 100 : 0;
        const size = Number(query.get('page_size') ?? 20);
        const page = credentials().slice(from, from + size);
        return json({ credentials: page, total_size: all.length, ...(from + size < all.length ? { next_page_token: 'older-than-100' } : {}) });
      },
      [`POST ${identityPath(`/credentials/${ids[149]}/revoke`)}`]: () => {
        all[149] = { ...all[149]!, state: 'REVOKED' };
        return json(all[149]);
      },
    });
    render();
    const table = await screen.findByRole('table', { name: 'Credentials' });
    const shownIds = () => within(screen.getByRole('table', { name: 'Credentials' })).getAllByRole('rowheader').map((cell) => cell.textContent);
    // The newest credential comes first; the first page holds the 100 newest.
    expect(shownIds()).toEqual(ids.slice(0, 100));
    expect(within(table).getAllByRole('button', { name: 'Revoke' })).toHaveLength(1);
    expect(screen.getByText('Showing the newest 100 of 150 credentials.')).toBeTruthy();
    expect(new URL(api.calls(`GET ${identityPath('/credentials')}`)[0]!.url, 'http://localhost').searchParams.get('page_size')).toBe('100');

    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(shownIds()).toEqual(ids));
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
    expect(screen.queryByText(/^Showing the newest/)).toBeNull();
    const reads = api.calls(`GET ${identityPath('/credentials')}`);
    expect(new URL(reads.at(-1)!.url, 'http://localhost').searchParams.get('page_token')).toBe('older-than-100');

    // The oldest one, from the second page, can be revoked; both pages are read again, none is lost.
    const oldest = within(screen.getByRole('table', { name: 'Credentials' })).getAllByRole('row').at(-1)!;
    fireEvent.click(within(oldest).getByRole('button', { name: 'Revoke' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this credential?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText(`Credential ${ids[149]} revoked.`)).toBeTruthy();
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Credentials' })).getAllByRole('button', { name: 'Revoke' })).toHaveLength(1));
    expect(shownIds()).toEqual(ids);
  });

  it('suspends the identity and links to its activity', async () => {
    const { api, state } = stubCloud({
      [`PATCH ${identityPath()}`]: () => {
        state.identity = identityDetail({ status: 'suspended' });
        return json(state.identity);
      },
    });
    render();
    fireEvent.click(await screen.findByRole('button', { name: 'Suspend' }));
    expect(await screen.findByText('Identity suspended.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Unsuspend' })).toBeTruthy();
    expect(api.calls(`PATCH ${identityPath()}`)[0]!.body).toEqual({ status: 'suspended' });
    expect(screen.getByRole('link', { name: 'Activity for this identity' }).getAttribute('href')).toBe(`/activity?identity=${ANN}`);
  });
});
