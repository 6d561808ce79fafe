// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchResponse } from '../../../contracts/console-api';
import { json, stubApi } from '../../lib/testing/fetch-stub';
import { BATCH_REFRESH_MS } from '../features/batch/api/get-batch';
import { ANN, BATCH, BOB, jobRow, realmPath } from '../lib/testing/fixtures';
import { renderPage } from '../lib/testing/render-console';
import { BatchRoute } from './batch';

beforeEach(() => vi.useFakeTimers({ shouldAdvanceTime: true }));

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function batch(annState: 'LINK_SENT' | 'COMPLETE'): BatchResponse {
  return {
    batch: { id: BATCH, state: 'RUNNING', authenticator_config_id: 'ffffffffffffffff', create_time: '2030-01-01T10:00:00Z', update_time: '2030-01-01T10:00:00Z' },
    results: [
      { identity_id: ANN, username: 'ann', job: jobRow({ state: annState }), error: null },
      { identity_id: BOB, username: 'bob', job: null, error: 'identity has no email address' },
    ],
    counts: { total: 1, success: annState === 'COMPLETE' ? 1 : 0, failure: 0, pending: annState === 'COMPLETE' ? 0 : 1 },
  };
}

describe('/batch/:id', () => {
  it('shows each identity’s result and refreshes until no job is pending', async () => {
    let reads = 0;
    const api = stubApi({ [`GET ${realmPath(`/batch-jobs/${BATCH}`)}`]: () => json(batch(++reads < 3 ? 'LINK_SENT' : 'COMPLETE')) });
    renderPage(<BatchRoute />, { path: '/batch/:batchId', url: `/batch/${BATCH}` });

    const table = await screen.findByRole('table', { name: 'Per-identity results' });
    const [ann, bob] = within(table).getAllByRole('row').slice(1);
    expect(within(ann!).getByText('LINK_SENT')).toBeTruthy();
    expect(bob!.textContent).toContain('identity has no email address');
    expect(screen.getByText(/0 of 1 bound, 0 failed, 1 pending, 1 not sent\. Refreshing until no job is pending/)).toBeTruthy();

    await act(() => vi.advanceTimersByTimeAsync(BATCH_REFRESH_MS * 2));
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Per-identity results' })).getByText('COMPLETE')).toBeTruthy());
    expect(screen.getByText(/1 of 1 bound.*No job is pending\./)).toBeTruthy();

    const settled = api.calls().length;
    await act(() => vi.advanceTimersByTimeAsync(BATCH_REFRESH_MS * 3));
    expect(api.calls()).toHaveLength(settled);
  });
});
