import type * as BiSdk from '@beyondidentity/bi-sdk-js';
// The SDK's own file, byte for byte, emitted as a hashed asset rather than bundled.
import sdkScriptUrl from '@beyondidentity/bi-sdk-js/dist/bi-embedded.js?url';

export type BiSdkModule = typeof BiSdk;

declare global {
  interface Window {
    /** Set by the SDK's UMD wrapper when its file runs as a classic script. */
    embeddedsdk?: BiSdkModule;
  }
}

/** Where the SDK's file is served; the app backend preloads the same URL (server/app/spa.ts). */
export { sdkScriptUrl };

let loading: Promise<BiSdkModule> | undefined;

/**
 * Runs the Beyond Identity SDK as what it ships as, a webpack UMD script, and answers its
 * exports (`window.embeddedsdk`). Once per page; a failed load is forgotten, so a retry loads
 * it again.
 *
 * Why not `import()`: a bundler turns the 6 MB UMD file into a CommonJS module, one more
 * function around all of it, and the browser then compiles that body on the main thread when
 * the page asks for the SDK. As a classic script the browser parses it while it downloads.
 * Measured on a bare page in Chromium (bench/browser.ts's machine, 10 fresh contexts):
 * SDK evaluated 946 -> 505 ms, `initialize()` done 1279 -> 876 ms after navigation.
 *
 * @throws {Error} when the script cannot be fetched or does not define the SDK.
 */
export function loadSdkScript(doc: Document = document): Promise<BiSdkModule> {
  const win = doc.defaultView as (Window & typeof globalThis) | null;
  if (win?.embeddedsdk) return Promise.resolve(win.embeddedsdk);
  loading ??= new Promise<BiSdkModule>((resolve, reject) => {
    const script = doc.createElement('script');
    script.src = sdkScriptUrl;
    script.async = true;
    script.onload = () => {
      const sdk = win?.embeddedsdk;
      if (sdk) return resolve(sdk);
      script.remove();
      reject(new TypeError(`${sdkScriptUrl} ran but did not define the Beyond Identity SDK`));
    };
    script.onerror = () => {
      script.remove();
      reject(new Error(`Failed to load ${sdkScriptUrl}`));
    };
    doc.head.append(script);
  }).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
