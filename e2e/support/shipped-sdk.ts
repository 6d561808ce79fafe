import { expect, type Response } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** The SDK's file as npm ships it. */
const SHIPPED = sha256(readFileSync(require.resolve('@beyondidentity/bi-sdk-js/dist/bi-embedded.js')));

/** True for the app's request for the SDK's file (`/assets/bi-embedded-{hash}.js`). */
export const isSdkFile = (response: Response) => /^\/assets\/bi-embedded-[\w-]+\.js$/.test(new URL(response.url()).pathname);

/** The page got the real, unmodified SDK: the shipped file byte for byte, gzipped on the wire. */
export async function expectShippedSdk(response: Response): Promise<void> {
  expect(response.status()).toBe(200);
  expect(response.headers()['content-encoding']).toBe('gzip');
  expect(sha256(await response.body())).toBe(SHIPPED);
}
