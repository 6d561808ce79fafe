// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HomeRoute } from './home';

/** Renders the home route with a fresh QueryClient that does not retry (errors show at once). */
function renderHome() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <HomeRoute />
    </QueryClientProvider>,
  );
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

afterEach(() => {
  // Explicit: auto-cleanup only happens when Vitest globals are enabled.
  cleanup();
  vi.unstubAllGlobals();
});

describe('HomeRoute', () => {
  it('shows the product, then the API base URL from GET /api/health', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({ ok: true, cloud: { api_base_url: 'http://localhost:4010' } }));
    vi.stubGlobal('fetch', fetchMock);

    renderHome();

    expect(screen.getByRole('heading', { level: 1, name: 'Bindery' })).toBeTruthy();
    expect(screen.getByText('Bind passkeys to your account with Beyond Identity.')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Checking…');

    expect(await screen.findByText('http://localhost:4010')).toBeTruthy();
    expect(fetchMock).toHaveBeenCalledWith('/api/health', expect.objectContaining({ credentials: 'same-origin' }));
  });

  it('shows an error sentence and a Retry button that fetches again', async () => {
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockResolvedValueOnce(new Response('down', { status: 503, statusText: 'Service Unavailable' }))
      .mockResolvedValueOnce(jsonResponse({ ok: true, cloud: { api_base_url: 'https://api-us.beyondidentity.com' } }));
    vi.stubGlobal('fetch', fetchMock);

    renderHome();

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not check the server status. The server answered 503 Service Unavailable.');
    const retry = screen.getByRole('button', { name: 'Retry' });

    fireEvent.click(retry);

    expect(await screen.findByText('https://api-us.beyondidentity.com')).toBeTruthy();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('treats a network failure as an error too', async () => {
    vi.stubGlobal('fetch', vi.fn<typeof fetch>().mockRejectedValue(new TypeError('fetch failed')));

    renderHome();

    expect((await screen.findByRole('alert')).textContent).toContain('The server could not be reached.');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
