import { PasskeyError, type MissingCapability } from './passkey-error';

/** The globals the check reads; a parameter so tests can describe any browser. */
export interface BrowserGlobals {
  indexedDB?: unknown;
  crypto?: { subtle?: unknown } | undefined;
}

/**
 * What this browser lacks for the SDK: it keeps passkeys in IndexedDB and their private keys
 * as non-extractable WebCrypto keys (bi-protocol.md, "What the SDK stores in the browser").
 * `crypto.subtle` also disappears outside a secure context (plain http other than localhost).
 */
export function missingCapabilities(globals: BrowserGlobals = globalThis as BrowserGlobals): MissingCapability[] {
  const missing: MissingCapability[] = [];
  if (globals.indexedDB === undefined || globals.indexedDB === null) missing.push('indexeddb');
  if (!globals.crypto?.subtle) missing.push('webcrypto');
  return missing;
}

/** @throws {PasskeyError} `unsupported_browser`, naming what is missing. */
export function assertBrowserSupport(globals?: BrowserGlobals): void {
  const missing = missingCapabilities(globals);
  if (missing.length > 0) {
    throw new PasskeyError('unsupported_browser', 'This browser cannot store passkeys.', { missing });
  }
}
