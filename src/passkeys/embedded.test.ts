import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi } from '../lib/testing/fetch-stub';

/** The SDK, replaced: these tests are about the singleton around it, not the SDK. */
const sdk = vi.hoisted(() => ({
  initialize: vi.fn(),
  fake: { bindPasskey: vi.fn(), getPasskeys: vi.fn(), deletePasskey: vi.fn(), isBindPasskeyUrl: vi.fn() },
}));
vi.mock('@beyondidentity/bi-sdk-js', () => ({ Embedded: { initialize: sdk.initialize } }));

beforeEach(() => {
  vi.resetModules();
  sdk.initialize.mockReset().mockResolvedValue(sdk.fake);
  vi.stubGlobal('indexedDB', {});
  vi.stubGlobal('crypto', { subtle: {} });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A fresh copy of the module (a fresh singleton), as on a new page. */
const freshModule = () => import('./embedded');

describe('getEmbedded', () => {
  it('initialises once with the allowed domains of /api/config, however many callers', async () => {
    const api = stubApi({ 'GET /api/config': () => json({ allowed_domains: ['localhost', 'auth.example'], sign_in: false }) });
    const { getEmbedded, preloadEmbedded } = await freshModule();

    // As a StrictMode double effect and a route loader would.
    const results = await Promise.all([getEmbedded(), getEmbedded(), preloadEmbedded(), getEmbedded()]);

    expect(results[0]).toBe(sdk.fake);
    expect(results[1]).toBe(sdk.fake);
    expect(sdk.initialize).toHaveBeenCalledTimes(1);
    expect(sdk.initialize).toHaveBeenCalledWith({ allowedDomains: ['localhost', 'auth.example'] });
    expect(api.calls('GET /api/config')).toHaveLength(1);
    expect(await getEmbedded()).toBe(sdk.fake);
    expect(sdk.initialize).toHaveBeenCalledTimes(1);
  });

  it('hands initialize() a copy (it appends window.location.host to the array)', async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: ['localhost'], sign_in: false }) });
    sdk.initialize.mockImplementation(async (config: { allowedDomains: string[] }) => {
      config.allowedDomains.push('app.test');
      return sdk.fake;
    });
    const { getEmbedded } = await freshModule();
    const { queryClient } = await import('../lib/query-client');
    await getEmbedded();
    expect(queryClient.getQueryData(['app-config'])).toEqual({ allowed_domains: ['localhost'], sign_in: false });
  });

  it('fails with unsupported_browser before loading anything, and tries again later', async () => {
    const api = stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false }) });
    vi.stubGlobal('indexedDB', undefined);
    const { getEmbedded } = await freshModule();

    await expect(getEmbedded()).rejects.toMatchObject({ code: 'unsupported_browser', missing: ['indexeddb'] });
    expect(api.calls()).toHaveLength(0);
    expect(sdk.initialize).not.toHaveBeenCalled();

    vi.stubGlobal('indexedDB', {});
    await expect(getEmbedded()).resolves.toBe(sdk.fake);
  });

  it('forgets a failed config fetch (initialize not called yet), so a retry works', async () => {
    let fail = true;
    stubApi({
      'GET /api/config': () => (fail ? json({ error: { code: 'internal_error', message: 'x' } }, 500) : json({ allowed_domains: [], sign_in: false })),
    });
    const { getEmbedded } = await freshModule();

    await expect(getEmbedded()).rejects.toMatchObject({ code: 'config_failed' });
    fail = false;
    await expect(getEmbedded()).resolves.toBe(sdk.fake);
    expect(sdk.initialize).toHaveBeenCalledTimes(1);
  });

  it('keeps a failed initialize() (never initialises twice) and says a reload is needed', async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false }) });
    sdk.initialize.mockRejectedValue(new Error('RuntimeError: unreachable'));
    const { getEmbedded } = await freshModule();

    const first = await getEmbedded().catch((error: unknown) => error);
    expect(first).toMatchObject({ code: 'sdk_load_failed', needsReload: true });
    await expect(getEmbedded()).rejects.toBe(first);
    expect(sdk.initialize).toHaveBeenCalledTimes(1);
  });
});

describe('bindPasskey', () => {
  it('reports progress, refuses what the SDK does not take as a link, and maps SDK failures', async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false }) });
    const { bindPasskey } = await import('./bind-passkey');
    const phases: string[] = [];

    sdk.fake.isBindPasskeyUrl.mockReturnValue(false);
    await expect(bindPasskey('http://x/nope', { onProgress: (phase) => phases.push(phase) })).rejects.toMatchObject({
      code: 'not_a_binding_link',
    });
    expect(sdk.fake.bindPasskey).not.toHaveBeenCalled();

    sdk.fake.isBindPasskeyUrl.mockReturnValue(true);
    sdk.fake.bindPasskey.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(bindPasskey('http://x/link')).rejects.toMatchObject({ code: 'network' });

    const result = { passkey: { id: 'p1' } };
    sdk.fake.bindPasskey.mockResolvedValueOnce(result);
    phases.length = 0;
    await expect(bindPasskey('http://x/link', { onProgress: (phase) => phases.push(phase) })).resolves.toBe(result);
    expect(phases).toEqual(['loading', 'binding']);
    expect(sdk.fake.bindPasskey).toHaveBeenLastCalledWith('http://x/link');
  });
});
