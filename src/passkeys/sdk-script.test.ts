import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A fresh copy of the module (its one load per page), as on a new page. */
const freshModule = () => {
  vi.resetModules();
  return import('./sdk-script');
};

const sdkScripts = () => [...document.querySelectorAll<HTMLScriptElement>('script')].filter((s) => s.src.includes('bi-embedded'));
const fakeSdk = { Embedded: { initialize: () => Promise.resolve({}) } } as unknown as NonNullable<Window['embeddedsdk']>;

beforeEach(() => {
  delete window.embeddedsdk;
  for (const script of document.querySelectorAll('script')) script.remove();
});
afterEach(() => {
  delete window.embeddedsdk;
});

describe('loadSdkScript', () => {
  it("runs the SDK's own file once as a classic script, however many callers, and answers its exports", async () => {
    const { loadSdkScript, sdkScriptUrl } = await freshModule();
    expect(sdkScriptUrl).toMatch(/bi-embedded(-[\w-]+)?\.js$/);

    const calls = [loadSdkScript(), loadSdkScript()];
    const scripts = sdkScripts();
    expect(scripts).toHaveLength(1);
    expect(scripts[0]!.type).toBe('');
    expect(scripts[0]!.async).toBe(true);

    // What the SDK's UMD wrapper does when its file runs.
    window.embeddedsdk = fakeSdk;
    scripts[0]!.dispatchEvent(new Event('load'));
    await expect(Promise.all(calls)).resolves.toEqual([fakeSdk, fakeSdk]);

    await expect(loadSdkScript()).resolves.toBe(fakeSdk);
    expect(sdkScripts()).toHaveLength(1);
  });

  it('adds no script when the page already has the SDK', async () => {
    window.embeddedsdk = fakeSdk;
    const { loadSdkScript } = await freshModule();
    await expect(loadSdkScript()).resolves.toBe(fakeSdk);
    expect(sdkScripts()).toHaveLength(0);
  });

  it('fails when the file cannot be fetched, and a later call fetches it again', async () => {
    const { loadSdkScript } = await freshModule();
    const first = loadSdkScript();
    sdkScripts()[0]!.dispatchEvent(new Event('error'));
    await expect(first).rejects.toThrow(/Failed to load .*bi-embedded/);
    expect(sdkScripts()).toHaveLength(0);

    const second = loadSdkScript();
    expect(sdkScripts()).toHaveLength(1);
    window.embeddedsdk = fakeSdk;
    sdkScripts()[0]!.dispatchEvent(new Event('load'));
    await expect(second).resolves.toBe(fakeSdk);
  });

  it('fails when the file ran but defined no SDK (something else was served)', async () => {
    const { loadSdkScript } = await freshModule();
    const attempt = loadSdkScript();
    sdkScripts()[0]!.dispatchEvent(new Event('load'));
    await expect(attempt).rejects.toThrow(TypeError);
  });
});
