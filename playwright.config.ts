import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * The Debian Chromium (installed by scripts/ensure-chromium.sh) when it exists; otherwise
 * undefined, so Playwright uses its own download (`npx playwright install chromium`), which is
 * what developer laptops have. Closed CI machines cannot reach Playwright's CDN.
 */
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const executablePath = existsSync(chromiumPath) ? chromiumPath : undefined;

/**
 * The browser's own HOME, so its NSS database (`$HOME/.pki/nssdb`) is one the
 * global setup made to trust the local cloud's CA: strict TLS for the signing
 * keys, without touching the user's real database or ignoring certificate
 * errors. Set once here; worker processes inherit it from this process.
 */
process.env.E2E_BROWSER_HOME ??= mkdtempSync(path.join(tmpdir(), 'bindery-browser-home-'));

export default defineConfig({
  testDir: 'e2e',
  // Starts the local cloud and the app on free ports with a fresh data dir; see the file.
  globalSetup: './e2e/global-setup.ts',
  // Tests share one running system (one database, one mail inbox); keep them in file order.
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 1 : undefined,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    // Set by global-setup.ts. Worker processes load this file after global setup has run,
    // so they see it. Always http://localhost, never 127.0.0.1: WebAuthn (passkeys) needs a
    // secure context, and of plain-http origins only localhost counts as one.
    baseURL: process.env.E2E_APP_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath,
          env: { ...process.env, HOME: process.env.E2E_BROWSER_HOME },
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            // The machine's network is closed: keep Chromium from phoning home (component
            // updates, sync, safe-browsing lists), which only adds timeouts and log noise.
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});
