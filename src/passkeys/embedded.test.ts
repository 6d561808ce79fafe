import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi } from '../lib/testing/fetch-stub';

/** The SDK, replaced: these tests are about the singleton around it, not the SDK. */
const sdk = vi.hoisted(() => ({
  initialize: vi.fn(),
  fake: {
    bindPasskey: vi.fn(),
    getPasskeys: vi.fn(),
    deletePasskey: vi.fn(),
    isBindPasskeyUrl: vi.fn(),
    isAuthenticateUrl: vi.fn(),
    getAuthenticationContext: vi.fn(),
    authenticate: vi.fn(),
  },
}));
/** The SDK's script: its exports, or a failure to fetch it. */
const script = vi.hoisted(() => ({ load: vi.fn() }));
vi.mock('./sdk-script', () => ({ loadSdkScript: script.load }));

beforeEach(() => {
  vi.resetModules();
  sdk.initialize.mockReset().mockResolvedValue(sdk.fake);
  script.load.mockReset().mockResolvedValue({ Embedded: { initialize: sdk.initialize } });
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
    const api = stubApi({ 'GET /api/config': () => json({ allowed_domains: ['localhost', 'auth.example'], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
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
    stubApi({ 'GET /api/config': () => json({ allowed_domains: ['localhost'], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
    sdk.initialize.mockImplementation(async (config: { allowedDomains: string[] }) => {
      config.allowedDomains.push('app.test');
      return sdk.fake;
    });
    const { getEmbedded } = await freshModule();
    const { queryClient } = await import('../lib/query-client');
    await getEmbedded();
    expect(queryClient.getQueryData(['app-config'])).toEqual({ allowed_domains: ['localhost'], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' });
  });

  it('fails with unsupported_browser before loading anything, and tries again later', async () => {
    const api = stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
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
      'GET /api/config': () => (fail ? json({ error: { code: 'internal_error', message: 'x' } }, 500) : json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' })),
    });
    const { getEmbedded } = await freshModule();

    await expect(getEmbedded()).rejects.toMatchObject({ code: 'config_failed' });
    fail = false;
    await expect(getEmbedded()).resolves.toBe(sdk.fake);
    expect(sdk.initialize).toHaveBeenCalledTimes(1);
  });

  it("says the app's own server, not Beyond Identity, when /api/config got no answer; a retry works", async () => {
    let down = true;
    stubApi({
      'GET /api/config': () => {
        if (down) throw new TypeError('Failed to fetch');
        return json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' });
      },
    });
    const { getEmbedded } = await freshModule();
    const { queryClient } = await import('../lib/query-client');
    queryClient.setQueryDefaults(['app-config'], { retry: false });

    await expect(getEmbedded()).rejects.toMatchObject({ code: 'app_server_unreachable', message: 'The app server could not be reached.' });
    expect(sdk.initialize).not.toHaveBeenCalled();
    down = false;
    await expect(getEmbedded()).resolves.toBe(sdk.fake);
  });

  it("forgets a script that did not load (initialize not called yet), so a retry works", async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
    script.load.mockRejectedValueOnce(new Error('Failed to load /assets/bi-embedded-x.js'));
    const { getEmbedded } = await freshModule();

    await expect(getEmbedded()).rejects.toMatchObject({ code: 'sdk_load_failed' });
    expect(sdk.initialize).not.toHaveBeenCalled();
    await expect(getEmbedded()).resolves.toBe(sdk.fake);
    expect(script.load).toHaveBeenCalledTimes(2);
  });

  it('refuses a script that defines something other than the SDK', async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
    script.load.mockResolvedValueOnce({ Embedded: {} });
    const { getEmbedded } = await freshModule();
    await expect(getEmbedded()).rejects.toMatchObject({ code: 'sdk_load_failed' });
  });

  it('initialises with the fast byte decode in place, and takes it away when initialize() has settled', async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
    const { fastFrom } = await import('./fast-byte-decode');
    const seen: unknown[] = [];
    sdk.initialize.mockImplementation(async () => {
      seen.push(Uint8Array.from);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(Uint8Array.from);
      return sdk.fake;
    });
    const { getEmbedded } = await freshModule();

    await expect(getEmbedded()).resolves.toBe(sdk.fake);
    expect(seen).toEqual([fastFrom, fastFrom]);
    expect(Object.hasOwn(Uint8Array, 'from')).toBe(false);
  });

  it("runs a profiler from before the SDK's script runs until initialize() settles, also when it fails", async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
    const log: string[] = [];
    vi.stubGlobal(
      'Profiler',
      class extends EventTarget {
        constructor() {
          super();
          log.push('profiler started');
        }
        stop() {
          log.push('profiler stopped');
          return Promise.resolve({});
        }
      },
    );
    script.load.mockImplementation(async () => {
      log.push('script');
      return { Embedded: { initialize: sdk.initialize } };
    });
    sdk.initialize.mockImplementation(async () => {
      log.push('initialize');
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push('initialized');
      return sdk.fake;
    });
    await expect((await freshModule()).getEmbedded()).resolves.toBe(sdk.fake);
    expect(log).toEqual(['profiler started', 'script', 'initialize', 'initialized', 'profiler stopped']);

    log.length = 0;
    vi.resetModules(); // a new page
    sdk.initialize.mockRejectedValue(new Error('RuntimeError: unreachable'));
    await expect((await freshModule()).getEmbedded()).rejects.toMatchObject({ code: 'sdk_load_failed' });
    expect(log).toEqual(['profiler started', 'script', 'profiler stopped']);
  });

  it("keeps the profiler running until the SDK's script has run when /api/config fails first", async () => {
    stubApi({ 'GET /api/config': () => json({ error: { code: 'internal_error', message: 'x' } }, 500) });
    const log: string[] = [];
    vi.stubGlobal(
      'Profiler',
      class extends EventTarget {
        stop() {
          log.push('profiler stopped');
          return Promise.resolve({});
        }
      },
    );
    let runScript = () => {};
    script.load.mockImplementation(
      () =>
        new Promise((resolve) => {
          runScript = () => {
            log.push('script ran');
            resolve({ Embedded: { initialize: sdk.initialize } });
          };
        }),
    );
    const { getEmbedded } = await freshModule();
    const failed = getEmbedded().catch((error: unknown) => {
      log.push('failure told');
      return error;
    });
    // The config's failure comes first; the SDK's file runs later.
    await new Promise((resolve) => setTimeout(resolve, 20));
    runScript();

    await expect(failed).resolves.toMatchObject({ code: 'config_failed' });
    expect(log).toEqual(['script ran', 'profiler stopped', 'failure told']);
    expect(sdk.initialize).not.toHaveBeenCalled();
  });

  it("tells a config failure after a grace period when the SDK's file never arrives", async () => {
    stubApi({ 'GET /api/config': () => json({ error: { code: 'internal_error', message: 'x' } }, 500) });
    script.load.mockImplementation(() => new Promise(() => {}));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { getEmbedded, SCRIPT_GRACE_MS } = await freshModule();
      let told = false;
      const failed = getEmbedded().catch((error: unknown) => {
        told = true;
        return error;
      });
      await vi.advanceTimersByTimeAsync(SCRIPT_GRACE_MS - 100);
      expect(told).toBe(false);
      await vi.advanceTimersByTimeAsync(200);
      expect(told).toBe(true);
      await expect(failed).resolves.toMatchObject({ code: 'config_failed' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a failed initialize() (never initialises twice) and says a reload is needed', async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
    sdk.initialize.mockRejectedValue(new Error('RuntimeError: unreachable'));
    const { getEmbedded } = await freshModule();

    const first = await getEmbedded().catch((error: unknown) => error);
    expect(first).toMatchObject({ code: 'sdk_load_failed', needsReload: true });
    await expect(getEmbedded()).rejects.toBe(first);
    expect(sdk.initialize).toHaveBeenCalledTimes(1);
    expect(Object.hasOwn(Uint8Array, 'from')).toBe(false);
  });
});

describe('bindPasskey', () => {
  it('reports progress, refuses what the SDK does not take as a link, and maps SDK failures', async () => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: false, tenant_id: 'ten1', realm_id: 'realm1' }) });
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

describe('sign-in wrappers', () => {
  const url = 'http://localhost:3000/bi-authenticate?request=eyJ.eyJ.sig';
  const context = { authUrl: url, application: { id: 'app1' }, origin: {} };

  beforeEach(() => {
    stubApi({ 'GET /api/config': () => json({ allowed_domains: [], sign_in: true, tenant_id: 'ten1', realm_id: 'realm1' }) });
    for (const fn of [sdk.fake.isAuthenticateUrl, sdk.fake.getAuthenticationContext, sdk.fake.authenticate]) fn.mockReset();
  });

  it('isAuthenticateUrl asks the SDK, and says no when the SDK throws', async () => {
    const { isAuthenticateUrl } = await import('./is-authenticate-url');
    sdk.fake.isAuthenticateUrl.mockReturnValueOnce(true);
    await expect(isAuthenticateUrl(url)).resolves.toBe(true);
    sdk.fake.isAuthenticateUrl.mockImplementationOnce(() => {
      throw new Error('bad url');
    });
    await expect(isAuthenticateUrl(url)).resolves.toBe(false);
  });

  it('getAuthenticationContext refuses what is not a sign-in URL without asking the SDK to read it', async () => {
    const { getAuthenticationContext } = await import('./get-authentication-context');
    sdk.fake.isAuthenticateUrl.mockReturnValue(false);
    await expect(getAuthenticationContext('http://localhost:3000/bi-authenticate')).rejects.toMatchObject({ code: 'not_an_authenticate_url' });
    expect(sdk.fake.getAuthenticationContext).not.toHaveBeenCalled();
  });

  it('getAuthenticationContext answers the context, and maps an expired request', async () => {
    const { getAuthenticationContext } = await import('./get-authentication-context');
    sdk.fake.isAuthenticateUrl.mockReturnValue(true);
    sdk.fake.getAuthenticationContext.mockResolvedValueOnce(context);
    await expect(getAuthenticationContext(url)).resolves.toBe(context);
    expect(sdk.fake.getAuthenticationContext).toHaveBeenCalledWith(url);

    sdk.fake.getAuthenticationContext.mockRejectedValueOnce(new Error('UrlType(JsonWebToken("Verify(\\"expired\\")"))'));
    await expect(getAuthenticationContext(url)).rejects.toMatchObject({ code: 'request_expired' });
  });

  it('authenticate passes the url and passkey id, and answers the redirect URL', async () => {
    const { authenticate } = await import('./authenticate');
    sdk.fake.isAuthenticateUrl.mockReturnValue(true);
    sdk.fake.authenticate.mockResolvedValueOnce({ redirectUrl: 'http://localhost:3000/auth/callback?code=c&state=s', message: 'Signed in as ann' });
    await expect(authenticate(url, 'local-1')).resolves.toEqual({
      redirectUrl: 'http://localhost:3000/auth/callback?code=c&state=s',
      message: 'Signed in as ann',
    });
    expect(sdk.fake.authenticate).toHaveBeenCalledWith(url, 'local-1');
  });

  it('authenticate maps the SDK refusals and never follows a non-http redirect', async () => {
    const { authenticate } = await import('./authenticate');
    sdk.fake.isAuthenticateUrl.mockReturnValue(true);
    sdk.fake.authenticate.mockRejectedValueOnce(new Error('FlattenedError { error_type: PolicyDenied, associated_data: None }'));
    await expect(authenticate(url, 'local-1')).rejects.toMatchObject({ code: 'denied' });
    sdk.fake.authenticate.mockRejectedValueOnce(new Error('FlattenedError { error_type: CredentialNotFound, associated_data: None }'));
    await expect(authenticate(url, 'gone')).rejects.toMatchObject({ code: 'passkey_not_found' });
    sdk.fake.authenticate.mockResolvedValueOnce({ redirectUrl: 'javascript:alert(1)' });
    await expect(authenticate(url, 'local-1')).rejects.toMatchObject({ code: 'sdk_failed' });

    sdk.fake.isAuthenticateUrl.mockReturnValue(false);
    sdk.fake.authenticate.mockClear();
    await expect(authenticate('http://localhost:3000/bind', 'local-1')).rejects.toMatchObject({ code: 'not_an_authenticate_url' });
    expect(sdk.fake.authenticate).not.toHaveBeenCalled();
  });
});
