import type { Embedded } from '@beyondidentity/bi-sdk-js';
import { ApiError } from '../lib/api-error';
import { appConfigQueries } from '../lib/app-config';
import { queryClient } from '../lib/query-client';
import { assertBrowserSupport } from './browser-support';
import { withEagerSourcePositions } from './eager-source-positions';
import { withFastByteDecode } from './fast-byte-decode';
import { PasskeyError, toPasskeyError } from './passkey-error';
import { loadSdkScript, type BiSdkModule } from './sdk-script';

/** The one SDK instance of the page, shared by every caller (and both runs of a StrictMode effect). */
let instance: Promise<Embedded> | undefined;

/**
 * The initialised Beyond Identity Embedded SDK.
 *
 * The first call runs the SDK's script (several MB with its WASM core; see loadSdkScript), fetches
 * `allowed_domains` from `GET /api/config` and calls `Embedded.initialize()` once; every later
 * call gets the same promise. The SDK must be initialised only once per page: a second
 * initialisation corrupts its WASM core (bi-protocol.md).
 *
 * A failure before `initialize()` was called (unsupported browser, the SDK's file or the config did
 * not load) is forgotten, so a later call tries again; a failed `initialize()` is kept, and the
 * error says a reload is needed.
 *
 * @throws {PasskeyError}
 */
export function getEmbedded(): Promise<Embedded> {
  if (!instance) {
    const state = { initializeCalled: false };
    const attempt = load(state).catch((error: unknown) => {
      if (!state.initializeCalled && instance === attempt) instance = undefined;
      throw error;
    });
    instance = attempt;
  }
  return instance;
}

/** Starts loading the SDK ahead of need (so "Create passkey" is ready fast); resolves when it is. */
export async function preloadEmbedded(): Promise<void> {
  await getEmbedded();
}

async function load(state: { initializeCalled: boolean }): Promise<Embedded> {
  assertBrowserSupport();
  // From before the SDK's file runs until initialize() settles: its first Error otherwise
  // costs a re-parse of all 6 MB of it (see eager-source-positions.ts).
  return withEagerSourcePositions(async () => {
    const script = loadSdkScript().catch((error: unknown) => {
      throw toPasskeyError(error, 'load');
    });
    let sdk: BiSdkModule;
    let allowedDomains: string[];
    try {
      [sdk, allowedDomains] = await Promise.all([script, loadAllowedDomains()]);
    } catch (error) {
      // The config can fail before the SDK's file has run. The profiler must still be running
      // when it does, or its first Error costs the re-parse after all (and a retry finds the
      // file already run): this failure is told once the file has run, or failed to, or after
      // a grace period should its download hang.
      await settledOrAfter(script, SCRIPT_GRACE_MS);
      throw error;
    }

    state.initializeCalled = true;
    try {
      const embedded = resolveEmbedded(sdk);
      // A copy: initialize() appends window.location.host to the array it is given. The fast
      // byte decode saves about 0.3 s of main thread while it decodes its WebAssembly core.
      return await withFastByteDecode(() => embedded.initialize({ allowedDomains: [...allowedDomains] }));
    } catch (error) {
      throw toPasskeyError(error, 'load');
    }
  });
}

/** How long a failure before the SDK's file has run waits for it, at most (see load). */
export const SCRIPT_GRACE_MS = 5_000;

/** Resolves once `promise` has settled, or after `ms`, whichever comes first. */
function settledOrAfter(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

async function loadAllowedDomains(): Promise<string[]> {
  try {
    return (await queryClient.fetchQuery(appConfigQueries.detail())).allowed_domains;
  } catch (error) {
    // The app's own server, not Beyond Identity: the page must not send people to check on the
    // wrong one. Retrying may help (a failure before initialize() is forgotten, see getEmbedded).
    if (error instanceof ApiError && error.isTransient) {
      throw new PasskeyError('app_server_unreachable', 'The app server could not be reached.', { cause: error });
    }
    throw new PasskeyError('config_failed', 'The passkey settings could not be loaded.', { cause: error });
  }
}

/** The SDK's `Embedded` class, checked: its script may have been replaced by something else. */
function resolveEmbedded(sdk: BiSdkModule): typeof Embedded {
  const embedded = (sdk as Partial<BiSdkModule> | undefined)?.Embedded;
  if (typeof embedded?.initialize === 'function') return embedded;
  throw new PasskeyError('sdk_load_failed', 'The passkey software could not start in this browser.', {
    cause: new TypeError('@beyondidentity/bi-sdk-js does not export Embedded'),
  });
}
