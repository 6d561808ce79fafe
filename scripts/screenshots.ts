/**
 * `npm run screenshots`: the README's screenshots, taken from the real running system.
 *
 * Builds the SPA, starts the whole system (local cloud + app) on free ports with a fresh
 * DATA_DIR, and drives Chromium (strict TLS: its own HOME whose NSS database trusts this run's
 * local CA, as the e2e global setup does) through sign-up → /bind → "Create passkey" → sign-in →
 * /passkeys, then the Admin Console's Add a passkey dialog followed live to COMPLETE. Writes
 * 1280×800 PNGs to docs/screenshots/, then stops the system by its PID and deletes the temp dirs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CA_NICKNAME, trustCa } from './support/nss';
import { startSystem, type RunningSystem } from './support/system';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'docs', 'screenshots');
const viewport = { width: 1280, height: 800 };
/** The README's people: made up, and the same on every run. */
const person = { username: 'ann.lee', email: 'ann.lee@example.com', displayName: 'Ann Lee' };
const newcomer = { username: 'bo.kim', email: 'bo.kim@example.com', displayName: 'Bo Kim' };

/** The same Chromium and flags as playwright.config.ts. */
function chromiumOptions(browserHome: string) {
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return {
    executablePath: existsSync(chromiumPath) ? chromiumPath : undefined,
    env: { ...process.env, HOME: browserHome },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  };
}

async function shoot(page: Page, name: string): Promise<void> {
  const file = path.join(outDir, name);
  // The viewport only (never a full-page shot), no animations or caret, to keep the PNGs small and steady.
  await page.screenshot({ path: file, type: 'png', animations: 'disabled' });
  console.log(`[screenshots] ${path.relative(root, file)} (${Math.round(statSync(file).size / 1024)} kB)`);
}

/** The first link of the newest message to `to` in the cloud's capture inbox. */
async function emailedLink(system: RunningSystem, to: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${system.cloudUrl}/inbox/messages`);
    const { messages } = (await response.json()) as { messages: { to: string[]; links: string[] }[] };
    const link = messages.find((message) => message.to.includes(to))?.links[0];
    if (link) return link;
    await sleep(250);
  }
  throw new Error(`no email to ${to} arrived`);
}

async function run(system: RunningSystem, browser: Browser): Promise<void> {
  const context = await browser.newContext({ viewport, baseURL: system.appUrl });
  const page = await context.newPage();

  // Sign-up puts the first binding link in memory and opens /bind: the preview, ready to bind.
  await page.goto('/signup');
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Email address').fill(person.email);
  await page.getByLabel('Display name').fill(person.displayName);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/bind$/);
  await page.getByText('Ready on this browser.').waitFor();
  await shoot(page, 'bind.png');

  // "Create passkey": the success state stays 2.5 s before sign-up's link leads on to sign-in.
  await page.getByRole('button', { name: 'Create passkey' }).click();
  await page.getByRole('heading', { name: 'Passkey created' }).waitFor({ timeout: 20_000 });
  await page.mouse.move(0, 0);
  await shoot(page, 'bind-success.png');

  // /bi-authenticate: the new passkey, preselected; nothing happens before "Sign in".
  await page.waitForURL(/\/bi-authenticate\?request=/, { timeout: 20_000 });
  await page.getByRole('radio', { name: new RegExp(person.username) }).waitFor();
  await shoot(page, 'sign-in.png');

  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/passkeys$/, { timeout: 20_000 });
  await page.getByRole('button', { name: `Delete the passkey for ${person.username}` }).waitFor();
  await page.getByRole('button', { name: /^Revoke credential / }).waitFor();
  await shoot(page, 'passkeys.png');
  await context.close();

  // The console: an admin adds a passkey for another person by email; the dialog follows live.
  const tenant = system.tenant();
  const consoleUser = tenant.console;
  if (!consoleUser) throw new Error('dev-tenant.json has no console admin');
  const consoleContext = await browser.newContext({ viewport });
  const consolePage = await consoleContext.newPage();
  await consolePage.goto(`${system.cloudUrl}/console/sign-in`);
  await consolePage.getByLabel('Username').fill(consoleUser.username);
  await consolePage.getByLabel('Password').fill(consoleUser.password);
  await consolePage.getByRole('button', { name: 'Sign in' }).click();
  await consolePage.getByRole('heading', { level: 1, name: 'Identities' }).waitFor();

  await consolePage.getByRole('button', { name: 'Create identity' }).click();
  const create = consolePage.getByRole('dialog', { name: 'Create identity' });
  await create.getByLabel('Username').fill(newcomer.username);
  await create.getByLabel('Display name').fill(newcomer.displayName);
  await create.getByLabel('Email address').fill(newcomer.email);
  await create.getByRole('button', { name: 'Create identity' }).click();
  await consolePage.getByRole('heading', { level: 1, name: new RegExp(newcomer.displayName) }).waitFor();

  await consolePage.getByRole('button', { name: 'Add a passkey' }).click();
  const dialog = consolePage.getByRole('dialog', { name: 'Add a passkey' });
  await dialog.getByLabel('Application').selectOption({ label: 'Bindery App' });
  await dialog.getByRole('button', { name: 'Proceed & send email' }).click();
  await dialog.getByRole('status').filter({ hasText: 'LINK_SENT' }).waitFor();

  // The person opens the emailed link in their own browser and creates the passkey.
  const personContext = await browser.newContext({ viewport });
  const personPage = await personContext.newPage();
  await personPage.goto(await emailedLink(system, newcomer.email));
  await personPage.getByText('Ready on this browser.').waitFor();
  await personPage.getByRole('button', { name: 'Create passkey' }).click();
  await personPage.getByRole('heading', { name: 'Passkey created' }).waitFor({ timeout: 20_000 });
  await personContext.close();

  await dialog.getByRole('status').filter({ hasText: 'COMPLETE' }).waitFor();
  // Behind the modal, the top of the identity's page (the console's header and the name), not
  // wherever "Add a passkey" scrolled it.
  await consolePage.evaluate(() => window.scrollTo(0, 0));
  await consolePage.mouse.move(0, 0);
  await shoot(consolePage, 'console.png');
  await consoleContext.close();
}

async function main(): Promise<void> {
  console.log('[screenshots] building the SPA…');
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`vite build failed (exit ${build.status ?? build.signal})`);
  mkdirSync(outDir, { recursive: true });

  const system = await startSystem({ root, command: ['npx', 'tsx', 'scripts/start.ts'], timeoutMs: 60_000 });
  console.log(`[screenshots] system up (pid ${system.pid}): app ${system.appUrl}, cloud ${system.cloudUrl}`);
  const browserHome = mkdtempSync(path.join(tmpdir(), 'bindery-screenshots-home-'));
  // Never leave the servers behind, even on Ctrl-C.
  const interrupted = () => {
    try {
      process.kill(-system.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  let browser: Browser | undefined;
  try {
    trustCa(browserHome, path.join(system.dataDir, 'tls', 'ca.pem'), CA_NICKNAME);
    browser = await chromium.launch(chromiumOptions(browserHome));
    await run(system, browser);
  } catch (error) {
    console.error(`[screenshots] failed; last lines of ${system.logPath}:\n${system.tail(30)}`);
    throw error;
  } finally {
    await browser?.close();
    const stopped = await system.stop();
    console.log(`[screenshots] system stopped (${stopped.forced ? 'killed' : stopped.signal ?? `exit ${stopped.code}`})`);
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    rmSync(browserHome, { recursive: true, force: true });
    rmSync(system.dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
