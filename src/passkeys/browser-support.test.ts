import { describe, expect, it } from 'vitest';
import { assertBrowserSupport, missingCapabilities } from './browser-support';
import { PasskeyError } from './passkey-error';

describe('missingCapabilities', () => {
  it('is empty with IndexedDB and crypto.subtle', () => {
    expect(missingCapabilities({ indexedDB: {}, crypto: { subtle: {} } })).toEqual([]);
  });

  it('names each missing capability', () => {
    expect(missingCapabilities({ crypto: { subtle: {} } })).toEqual(['indexeddb']);
    // crypto without subtle: what an insecure context (plain http, not localhost) looks like.
    expect(missingCapabilities({ indexedDB: {}, crypto: {} })).toEqual(['webcrypto']);
    expect(missingCapabilities({ indexedDB: null })).toEqual(['indexeddb', 'webcrypto']);
  });
});

describe('assertBrowserSupport', () => {
  it('throws a typed error naming what is missing', () => {
    let thrown: unknown;
    try {
      assertBrowserSupport({ crypto: {} });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PasskeyError);
    expect(thrown).toMatchObject({ code: 'unsupported_browser', missing: ['indexeddb', 'webcrypto'] });
  });
});
