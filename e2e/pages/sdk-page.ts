import { createRequire } from 'node:module';
import type { Page, Request } from '@playwright/test';

/** The parts of the SDK's `Passkey` and `BindPasskeyResponse` these tests read. */
export interface Passkey {
  id: string;
  passkeyId: string;
  identity: { id: string; username: string; displayName?: string };
}
export interface BindPasskeyResponse {
  passkey: Passkey;
  postBindingRedirectUri?: string;
}

const require = createRequire(import.meta.url);
/** The real, unmodified SDK bundle as npm ships it (UMD, global `embeddedsdk`). */
const SDK_BUNDLE = require.resolve('@beyondidentity/bi-sdk-js/dist/bi-embedded.js');

/**
 * A page of the app's origin (a trusted origin of the dev tenant's
 * authenticator config) with the real SDK loaded, driven directly. This
 * proves the cloud's side of the protocol without the app's UI in the way.
 */
export class SdkPage {
  /** The `:bind` requests the SDK sent (observed, never altered). */
  readonly bindRequests: Request[] = [];

  constructor(readonly page: Page) {
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith(':bind')) this.bindRequests.push(request);
    });
  }

  /** Loads the SDK into the current page and initialises it once. */
  async load(): Promise<void> {
    await this.page.addScriptTag({ path: SDK_BUNDLE });
    await this.page.evaluate(async () => {
      const w = window as unknown as { embeddedsdk: { Embedded: { initialize(c: object): Promise<unknown> } }; sdk?: unknown };
      // The SDK's `jku` rule needs the bare host; initialize() adds window.location.host itself.
      w.sdk = await w.embeddedsdk.Embedded.initialize({ allowedDomains: ['localhost'] });
    });
  }

  bindPasskey(link: string): Promise<BindPasskeyResponse> {
    return this.page.evaluate(async (url) => {
      const sdk = (window as unknown as { sdk: { bindPasskey(u: string): Promise<BindPasskeyResponse> } }).sdk;
      return sdk.bindPasskey(url);
    }, link);
  }

  getPasskeys(): Promise<Passkey[]> {
    return this.page.evaluate(() => (window as unknown as { sdk: { getPasskeys(): Promise<Passkey[]> } }).sdk.getPasskeys());
  }

  /** The public JWK the SDK sent in its last `:bind` proof (from the JWT header). */
  lastBoundJwk(): Record<string, string> {
    const request = this.bindRequests.at(-1);
    if (!request) throw new Error('the SDK sent no :bind request');
    const { raw } = JSON.parse(request.postData() ?? '{}') as { raw: string };
    const header = JSON.parse(Buffer.from(raw.split('.')[0]!, 'base64url').toString('utf8')) as { jwk: Record<string, string> };
    return header.jwk;
  }
}
