/**
 * Browser figures, from the production build (dist/) in real Chromium against the real
 * running system (startBindery: cloud + app, temp DATA_DIR), with the real SDK:
 *
 * - gzip sizes of the app shell (index.html, its entry script and every asset it preloads or
 *   links) and of the SDK's file (bi-embedded-*.js, which the app serves as shipped);
 * - `/bind` time to ready: a fresh browser context (empty cache, empty IndexedDB) opens the
 *   `/bind?…` URL a person lands on from a fresh binding link (the cloud's 302 for the link,
 *   fetched with `Accept: text/html`); from navigation start to the DOM showing "Create
 *   passkey" enabled and "Ready on this browser." (the SDK downloaded and initialised);
 * - click -> passkey bound: from the click event on "Create passkey" to "Passkey created"
 *   (SDK key creation, `GET link`, `:getInfo`, `:bind`); the job is then checked COMPLETE;
 * - sign-in: in the same context, home -> "Sign in with a passkey" -> the cloud's authorize ->
 *   `/bi-authenticate`; from the click event on "Sign in" (the SDK's `authenticate` starts) to
 *   the home page showing "Signed in as" (after `/auth/callback` set the session and `/api/me`
 *   answered 200), then `/api/me` is checked 200 from the context's cookie jar.
 *
 * Times are taken in the page (an init script: a MutationObserver and a capturing click
 * listener, reporting `performance.now()` / `timeOrigin` through an exposed binding), so
 * Playwright's polling adds nothing. No request is intercepted or mocked. As in e2e/, the SDK
 * makes its key with WebCrypto (it uses WebAuthn only when a platform authenticator exists, and
 * e2e adds none), and the browser gets a HOME of its own whose NSS database trusts this run's
 * local CA (scripts/support/nss.ts), so the SDK's https fetch of the signing keys is real TLS.
 * The Chromium launch options (executable, args, HOME) are playwright.config.ts's own.
 *
 * - the SDK alone, the reference for `/bind` ready: in the same browser, a bare page (a few
 *   lines of HTML from a loopback server, nothing else) runs the SDK's shipped file as a classic
 *   script, gzipped as the app serves it, and calls `Embedded.initialize()`; from navigation start
 *   to `initialize()` resolving. It is what any page pays for the unmodified SDK on this machine.
 * - the SDK alone with the app's fast byte decode: the same bare page, but `initialize()` runs
 *   inside `withFastByteDecode` (src/passkeys/fast-byte-decode.ts, compiled as is).
 * - the SDK alone with both of the app's start-up fixes, as the app runs it: the fast byte
 *   decode, and a profiler running from before the SDK's file runs until `initialize()` settles
 *   (`withEagerSourcePositions`, src/passkeys/eager-source-positions.ts, compiled as is; the page
 *   is served with `Document-Policy: js-profiling`, as the app's are). `/bind` ready minus this
 *   is what the app itself adds.
 *
 * - `/bind` ready in a returning browser: a persistent profile, as a person's own browser is (the
 *   fresh contexts above are off the record, where Chromium keeps no code cache), one person and a
 *   new RETURN link per visit, Chromium started for each visit and closed after it. Two visits are
 *   untimed: the first downloads the SDK; the second finds it in the HTTP cache, and Chromium then
 *   stores V8's code cache for it. From the third on, V8 takes the SDK's compiled code from that
 *   cache instead of parsing its 6.4 MB. It says what someone who used the app in this browser
 *   before waits; the target is the first visit's.
 *
 * Besides p50/p99/max of the three, the result breaks them down (p50): /bind's DOMContentLoaded,
 * when the SDK's file finished downloading and the main thread's long tasks (the SDK's
 * evaluation and start), and sign-in's SDK part (click -> the page leaving for `/auth/callback`,
 * i.e. that navigation's start) and the rest (`/auth/callback` -> the signed-in page).
 *
 * `npx tsx bench/browser.ts` or `npm run bench -- browser`. BENCH_BROWSER_RUNS (default 20)
 * timed runs after one untimed warm-up. Builds dist/ when it is missing; refuses a dist/ that
 * is a development build (see assertProductionBuild) or that is rebuilt during the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { chromium, devices, expect, type Browser, type BrowserContext, type LaunchOptions, type Page } from '@playwright/test';
import { SignInPage } from '../e2e/pages/app-pages';
import { BindPage } from '../e2e/pages/bind-page';
import { CA_NICKNAME, hasCertutil, trustCa } from '../scripts/support/nss';
import type { RunningSystem } from '../scripts/support/system';
import { latencyStats, managementApi, removeDir, ROOT, round, startBindery, tempDir, writeResult } from './lib';

const kB = (bytes: number) => round(bytes / 1000, 1);
const RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 20);
const WARMUP_RUNS = 1;
/** Timed visits of the returning browser, after its two untimed ones. */
const RETURNING_RUNS = Number(process.env.BENCH_BROWSER_RETURNING_RUNS ?? 10);
if (!Number.isInteger(RETURNING_RUNS) || RETURNING_RUNS < 0) throw new Error('BENCH_BROWSER_RETURNING_RUNS must be a whole number, 0 or more');
const RETURNING_UNTIMED_VISITS = 2;
/** A run that takes longer than this at any step is counted as failed. */
const STEP_TIMEOUT_MS = 30_000;

/**
 * Injected into every document of a context before its own scripts. Reports, once per
 * document, `__benchMark(name, msSinceNavigationStart, epochMs, extra)`:
 * `bind_ready`, `bind_click`, `bound`, `sign_in_click`, `signed_in`.
 * A string, not a function: tsx's transform would add helpers the page does not have.
 */
const INSTRUMENT = String.raw`(() => {
  const seen = new Set();
  const mark = (name, rel, extra) => {
    if (seen.has(name)) return;
    seen.add(name);
    const report = () => window.__benchMark(name, rel, performance.timeOrigin + rel, extra || null);
    if (typeof window.__benchMark === 'function') report();
    else setTimeout(report, 0);
  };
  const longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  } catch (_) { /* no Long Tasks API */ }
  const text = (el) => (el && el.textContent ? el.textContent.replace(/\s+/g, ' ').trim() : '');
  const check = () => {
    const now = performance.now();
    const bindFlow = document.querySelector('.bind-flow');
    if (bindFlow) {
      const button = [...bindFlow.querySelectorAll('button')].find((b) => text(b) === 'Create passkey');
      if (button && !button.disabled && text(bindFlow).includes('Ready on this browser.')) {
        const sdk = performance.getEntriesByType('resource').find((e) => /\/bi-embedded-[^/]*\.js$/.test(e.name));
        const nav = performance.getEntriesByType('navigation')[0];
        mark('bind_ready', now, {
          dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
          sdk_chunk_loaded_ms: sdk ? sdk.responseEnd : null,
          sdk_chunk_encoded_bytes: sdk ? sdk.encodedBodySize : null,
          sdk_chunk_decoded_bytes: sdk ? sdk.decodedBodySize : null,
          longest_task_ms: longTasks.length ? Math.max(...longTasks) : 0,
          long_tasks_total_ms: longTasks.reduce((a, b) => a + b, 0),
        });
      }
      if ([...bindFlow.querySelectorAll('h2')].some((h) => text(h) === 'Passkey created')) mark('bound', now);
    }
    const who = document.querySelector('.who');
    if (who && text(who).startsWith('Signed in as')) mark('signed_in', now, { path: location.pathname });
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (!button) return;
    if (text(button) === 'Create passkey' && button.closest('.bind-flow')) mark('bind_click', event.timeStamp);
    if (text(button) === 'Sign in' && button.closest('.sign-in-flow')) mark('sign_in_click', event.timeStamp);
  }, true);
})();`;

interface Mark {
  /** ms since this document's navigation start */
  rel: number;
  /** ms since the Unix epoch (performance.timeOrigin + rel), comparable across documents */
  epoch: number;
  extra: Record<string, number | string | null> | null;
}

interface RunFigures {
  bind_ready_ms: number;
  click_to_bound_ms: number;
  sign_in_ms: number;
  sign_in_sdk_ms: number;
  callback_to_signed_in_ms: number;
  dom_content_loaded_ms: number | null;
  sdk_chunk_loaded_ms: number | null;
  sdk_chunk_encoded_bytes: number | null;
  sdk_chunk_decoded_bytes: number | null;
  longest_task_ms: number | null;
  long_tasks_total_ms: number | null;
}

/** Chromium's launch options from playwright.config.ts (executable, args, and HOME = `browserHome`). */
export async function e2eLaunchOptions(browserHome: string): Promise<LaunchOptions> {
  // The config makes a HOME of its own unless E2E_BROWSER_HOME is already set; give it ours.
  const previous = process.env.E2E_BROWSER_HOME;
  process.env.E2E_BROWSER_HOME = browserHome;
  try {
    const config = (await import('../playwright.config')).default;
    const launch = config.projects?.find((p) => p.name === 'chromium')?.use?.launchOptions;
    if (!launch?.args) throw new Error('playwright.config.ts has no chromium project with launchOptions');
    if (!launch.executablePath) {
      throw new Error(`Chromium was not found at ${process.env.CHROMIUM_PATH || '/usr/bin/chromium'} (set CHROMIUM_PATH, or run scripts/ensure-chromium.sh)`);
    }
    return { ...launch, env: { ...process.env, HOME: browserHome } };
  } finally {
    if (previous === undefined) delete process.env.E2E_BROWSER_HOME;
    else process.env.E2E_BROWSER_HOME = previous;
  }
}

export function ensureDist(dist: string): void {
  if (existsSync(path.join(dist, 'index.html'))) return;
  console.log('[browser] dist/index.html is missing; building the SPA (npx vite build)…');
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (build.status !== 0 || !existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`vite build failed (exit ${build.status ?? build.signal}); run \`npm run build\` and try again`);
  }
}

/**
 * Refuses a development build: React's development bundle (its DevTools banner) in the app
 * shell means dist/ was built with NODE_ENV set to something other than production (a
 * `vite build` started under Vitest inherits NODE_ENV=test). Its figures would not be the app's.
 */
function assertProductionBuild(dist: string, shellFiles: string[]): void {
  const dev = shellFiles.filter((f) => f.endsWith('.js') && readFileSync(path.join(dist, 'assets', f), 'utf8').includes('react.dev/link/react-devtools'));
  if (dev.length > 0) {
    throw new Error(
      `dist/ is not a production build (React's development bundle is in ${dev.join(', ')}); it was built with NODE_ENV ` +
        'other than production (e.g. by a test run). Run `npm run build` with NODE_ENV unset, then the bench again.',
    );
  }
}

export function bundleSizes(dist: string) {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const shellFiles = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  assertProductionBuild(dist, shellFiles);
  const gz = (file: string) => gzipSync(readFileSync(path.join(dist, 'assets', file)), { level: 9 }).length;
  const shell = shellFiles.map((file) => ({ file, gzip_bytes: gz(file) }));
  const shellTotal = shell.reduce((n, f) => n + f.gzip_bytes, 0) + gzipSync(html, { level: 9 }).length;
  const sdkFile = readdirSync(path.join(dist, 'assets')).find((f) => /^bi-embedded-.*\.js$/.test(f));
  const sdkGzip = sdkFile ? gz(sdkFile) : NaN;
  console.log(`[browser] app shell (index.html + ${shell.length} assets): ${kB(shellTotal)} kB gzip (target <= 120 kB); SDK file ${sdkFile}: ${kB(sdkGzip)} kB gzip`);
  return { shell, shellTotal, sdkFile, sdkGzip };
}

/** One fresh context: open a fresh binding link's /bind URL, bind with a click, sign in with the passkey. */
async function oneRun(browser: Browser, system: RunningSystem, api: ReturnType<typeof managementApi>, label: string): Promise<RunFigures> {
  const username = `bench-${label}-${Math.random().toString(36).slice(2, 8)}`;
  const identityId = await api.createIdentity(username);
  const job = await api.createJob(identityId, 'RETURN');
  const bindUrl = await personLandingUrl(api, job.credential_binding_link!);

  const { defaultBrowserType: _ignored, ...desktop } = devices['Desktop Chrome'];
  const context: BrowserContext = await browser.newContext({ ...desktop, baseURL: system.appUrl });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const marks = new Map<string, Mark>();
  let page: Page | undefined;
  try {
    await context.exposeBinding('__benchMark', (_source, name: string, rel: number, epoch: number, extra: Mark['extra']) => {
      if (!marks.has(name)) marks.set(name, { rel, epoch, extra });
    });
    await context.addInitScript({ content: INSTRUMENT });
    page = await context.newPage();
    /** The in-page mark `name`, once the page reported it. */
    const mark = async (name: string, timeoutMs = 5_000): Promise<Mark> => {
      const deadline = Date.now() + timeoutMs;
      while (!marks.has(name)) {
        if (Date.now() > deadline) throw new Error(`no in-page mark "${name}" within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return marks.get(name)!;
    };

    // 1. /bind time to ready (navigation start -> SDK initialised and "Create passkey" enabled).
    const bind = new BindPage(page);
    await page.goto(bindUrl, { timeout: STEP_TIMEOUT_MS });
    const ready = await mark('bind_ready', STEP_TIMEOUT_MS);
    await bind.expectPreviewFor(username);

    // 2. click -> passkey bound; the cloud must then read the job COMPLETE.
    await bind.create();
    const click = await mark('bind_click');
    const bound = await mark('bound', STEP_TIMEOUT_MS);
    await bind.expectSuccessFor(username);
    const jobPath = `${api.realmPath}/identities/${identityId}/credential-binding-jobs/${job.credential_binding_job.id}`;
    const state = await api.client.request({ method: 'GET', path: jobPath, headers: api.auth });
    const jobBody = (await state.body.json()) as { state?: string };
    if (jobBody.state !== 'COMPLETE') throw new Error(`the job reads ${jobBody.state} after "Passkey created"`);

    // 3. sign-in: "Sign in" clicked on /bi-authenticate (the SDK's authenticate starts) -> signed-in home page.
    const signIn = new SignInPage(page);
    await signIn.startFromHome();
    await expect(signIn.passkey(username)).toBeChecked({ timeout: STEP_TIMEOUT_MS });
    await expect(signIn.signInButton).toBeEnabled();
    await signIn.signInButton.click();
    const signInClick = await mark('sign_in_click');
    const signedIn = await mark('signed_in', STEP_TIMEOUT_MS);
    if (new URL(page.url()).pathname !== '/') throw new Error(`signed in on ${page.url()}, not /`);
    await expect(page.getByText('Signed in as')).toContainText(username);
    const me = await context.request.get('/api/me');
    if (me.status() !== 200) throw new Error(`/api/me answered ${me.status()} after sign-in`);

    const extra = ready.extra ?? {};
    const num = (v: unknown) => (typeof v === 'number' ? round(v) : null);
    return {
      bind_ready_ms: ready.rel,
      click_to_bound_ms: bound.rel - click.rel,
      sign_in_ms: signedIn.epoch - signInClick.epoch,
      // The signed-in page's navigation started when the page left for /auth/callback, which it
      // does as soon as the SDK's authenticate answered (a "Signed in" text may never paint).
      sign_in_sdk_ms: signedIn.epoch - signedIn.rel - signInClick.epoch,
      callback_to_signed_in_ms: signedIn.rel,
      dom_content_loaded_ms: num(extra.dom_content_loaded_ms),
      sdk_chunk_loaded_ms: num(extra.sdk_chunk_loaded_ms),
      sdk_chunk_encoded_bytes: num(extra.sdk_chunk_encoded_bytes),
      sdk_chunk_decoded_bytes: num(extra.sdk_chunk_decoded_bytes),
      longest_task_ms: num(extra.longest_task_ms),
      long_tasks_total_ms: num(extra.long_tasks_total_ms),
    };
  } catch (error) {
    // What the page showed (e.g. a failure's sentence and technical details) on the first line.
    const first = (error as Error).message.split('\n')[0];
    throw new Error(`${first}; ${page ? await pageState(page) : 'no page'}`, { cause: error });
  } finally {
    await context.close();
  }
}

/**
 * `/bind` ready on the visits of a returning browser (see the top of this file): ms from
 * navigation start, one per timed visit that worked, and what failed. A failed untimed visit
 * ends it (it throws): the timed ones would not measure what they say.
 */
async function returningBrowserRuns(
  launchOptions: LaunchOptions,
  system: RunningSystem,
  api: ReturnType<typeof managementApi>,
): Promise<{ readyAt: number[]; failures: string[] }> {
  const username = `bench-returning-${Math.random().toString(36).slice(2, 8)}`;
  const identityId = await api.createIdentity(username);
  const profile = tempDir('bindery-bench-profile-');
  const readyAt: number[] = [];
  const failures: string[] = [];
  try {
    for (let visit = 1; visit <= RETURNING_UNTIMED_VISITS + RETURNING_RUNS; visit++) {
      const timed = visit > RETURNING_UNTIMED_VISITS;
      try {
        const job = await api.createJob(identityId, 'RETURN');
        const url = await personLandingUrl(api, job.credential_binding_link!);
        const ready = await returningVisit(profile, launchOptions, system.appUrl, url, username);
        if (timed) readyAt.push(ready);
        console.log(`[browser] returning browser, visit ${visit}${timed ? '' : ' (untimed)'}: /bind ready ${round(ready, 0)} ms`);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0]!;
        console.error(`[browser] returning browser, visit ${visit} failed: ${message}`);
        if (!timed) throw error;
        failures.push(`returning browser, visit ${visit}: ${message}`);
      }
    }
  } finally {
    removeDir(profile);
  }
  return { readyAt, failures };
}

/**
 * One visit of the returning browser: Chromium started on `profile`, the `/bind` URL of a new
 * link opened, ms from navigation start to ready. The browser is closed after each visit, so the
 * next finds only what Chromium keeps on disk, as after a restart.
 */
async function returningVisit(profile: string, launchOptions: LaunchOptions, appUrl: string, url: string, username: string): Promise<number> {
  const { defaultBrowserType: _ignored, ...desktop } = devices['Desktop Chrome'];
  const context = await chromium.launchPersistentContext(profile, { ...launchOptions, ...desktop, baseURL: appUrl });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    let markReady: (rel: number) => void = () => {};
    const ready = new Promise<number>((resolve) => (markReady = resolve));
    await context.exposeBinding('__benchMark', (_source, name: string, rel: number) => {
      if (name === 'bind_ready') markReady(rel);
    });
    await context.addInitScript({ content: INSTRUMENT });
    const page = context.pages()[0] ?? (await context.newPage());
    try {
      await page.goto(url, { timeout: STEP_TIMEOUT_MS });
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`/bind was not ready within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      });
      const rel = await Promise.race([ready, timeout]);
      await new BindPage(page).expectPreviewFor(username);
      // Chromium writes V8's code cache for the SDK after it has run; people stay on the page longer.
      await page.waitForTimeout(1_000);
      return rel;
    } catch (error) {
      throw new Error(`${(error as Error).message.split('\n')[0]}; ${await pageState(page)}`, { cause: error });
    }
  } finally {
    clearTimeout(timer);
    await context.close();
  }
}

/**
 * The references for `/bind` ready: a loopback server whose pages run the SDK's shipped file
 * (gzipped, as the app serves it) as a classic script and initialise it. Nothing of the app:
 * at `/` as is; at `/fast` inside the app's `withFastByteDecode`; at `/fixes` also inside its
 * `withEagerSourcePositions`, started before the SDK's file runs.
 */
async function startSdkAlonePage(): Promise<{ url: string; fastUrl: string; fixesUrl: string; server: Server }> {
  const sdk = gzipSync(readFileSync(createRequire(import.meta.url).resolve('@beyondidentity/bi-sdk-js/dist/bi-embedded.js')));
  // The app's own modules, compiled as they are, their exports made plain names of the page.
  const appModule = (file: string) =>
    ts
      .transpileModule(readFileSync(path.join(ROOT, 'src/passkeys', file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      })
      .outputText.replace(/^export /gm, '');
  const fastDecode = appModule('fast-byte-decode.ts');
  const sourcePositions = appModule('eager-source-positions.ts');
  const init = "embeddedsdk.Embedded.initialize({ allowedDomains: ['localhost'] })";
  const settle = '.then(() => { window.sdkReady = performance.now(); }, (e) => { window.sdkReady = -1; window.sdkError = String(e); });';
  const page = `<!doctype html><title>SDK alone</title><script src="/sdk.js"></script><script>${init}${settle}</script>`;
  // Inline, as a module (its top-level names stay its own): no request or module graph more than the plain page.
  const fastPage =
    '<!doctype html><title>SDK alone, fast byte decode</title><script src="/sdk.js"></script><script type="module">' +
    `${fastDecode}\nwithFastByteDecode(() => ${init})${settle}</script>`;
  // The profiler must run before the SDK's file does: a classic script ahead of it starts it,
  // and the SDK's own script tag says when it has run.
  const fixesPage =
    // Strict, as the app's modules run (the script must be classic, to run before the SDK's).
    '<!doctype html><title>SDK alone, the app\'s start-up fixes</title><script>"use strict";\n' +
    `${fastDecode}\n${sourcePositions}\nconst ran = new Promise((resolve) => { window.sdkRan = resolve; });\n` +
    `withEagerSourcePositions(() => ran.then(() => withFastByteDecode(() => ${init})))${settle}</script>` +
    '<script src="/sdk.js" onload="sdkRan()"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') res.writeHead(200, { 'content-type': 'text/javascript', 'content-encoding': 'gzip' }).end(sdk);
    else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else if (req.url === '/fast') res.writeHead(200, { 'content-type': 'text/html' }).end(fastPage);
    else if (req.url === '/fixes') res.writeHead(200, { 'content-type': 'text/html', 'document-policy': 'js-profiling' }).end(fixesPage);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://localhost:${(server.address() as { port: number }).port}`;
  return { url: `${origin}/`, fastUrl: `${origin}/fast`, fixesUrl: `${origin}/fixes`, server };
}

/** One fresh context on the SDK-alone page: ms from navigation start to `initialize()` resolved. */
async function sdkAloneRun(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url, { timeout: STEP_TIMEOUT_MS });
    const handle = await page.waitForFunction(() => (window as unknown as { sdkReady?: number }).sdkReady, null, { timeout: STEP_TIMEOUT_MS });
    const ready = (await handle.jsonValue()) as number;
    if (ready < 0) throw new Error(`initialize() failed: ${await page.evaluate(() => (window as unknown as { sdkError?: string }).sdkError)}`);
    return ready;
  } finally {
    await context.close();
  }
}

/** Where the page is and what its status and failure regions say, for error messages. */
async function pageState(page: Page): Promise<string> {
  const text = await page
    .locator('[role="status"], .outcome, details')
    .evaluateAll((els) => els.map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean).join(' | '))
    .catch(() => '?');
  return `page ${new URL(page.url()).pathname} shows: ${text.slice(0, 300) || '(nothing)'}`;
}

/** Where the cloud sends a person's browser for a binding link: `{invoke_url}/bind?…` (it marks the job LINK_OPENED). */
export async function personLandingUrl(api: ReturnType<typeof managementApi>, link: string): Promise<string> {
  const url = new URL(link);
  const response = await api.client.request({ method: 'GET', path: url.pathname + url.search, headers: { accept: 'text/html' } });
  await response.body.dump();
  const location = response.headers.location;
  if (response.statusCode !== 302 || typeof location !== 'string') throw new Error(`binding link answered ${response.statusCode}, not a 302 to /bind`);
  if (!/\/bind\?/.test(location)) throw new Error(`binding link redirected to ${location}, not /bind`);
  return location;
}

export async function main(): Promise<Record<string, unknown>> {
  const dist = path.join(ROOT, 'dist');
  ensureDist(dist);
  const { shell, shellTotal, sdkFile, sdkGzip } = bundleSizes(dist);
  // The system serves dist/ as it is on disk; a rebuild during the run would mix two builds.
  const builtIndex = readFileSync(path.join(dist, 'index.html'), 'utf8');
  if (!hasCertutil()) throw new Error('certutil is missing (apt-get install libnss3-tools): the browser must trust the local CA for sign-in');

  const browserHome = tempDir('bindery-bench-browser-home-');
  let system: RunningSystem | undefined;
  let browser: Browser | undefined;
  let api: ReturnType<typeof managementApi> | undefined;
  const runs: RunFigures[] = [];
  const sdkAlone: number[] = [];
  const sdkAloneFast: number[] = [];
  const sdkAloneFixes: number[] = [];
  const failures: string[] = [];
  let returning: { readyAt: number[]; failures: string[] } = { readyAt: [], failures: [] };
  const alonePage = await startSdkAlonePage();
  try {
    const launchOptions = await e2eLaunchOptions(browserHome);
    system = await startBindery();
    trustCa(browserHome, path.join(system.dataDir, 'tls', 'ca.pem'), CA_NICKNAME);
    api = managementApi(system, 4);
    browser = await chromium.launch(launchOptions);
    console.log(`[browser] Chromium ${browser.version()} (${launchOptions.executablePath}), ${WARMUP_RUNS} warm-up + ${RUNS} timed runs, each a fresh context`);

    for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
      const warmup = i < WARMUP_RUNS;
      const label = warmup ? `warmup${i}` : `r${i - WARMUP_RUNS}`;
      try {
        const figures = await oneRun(browser, system, api, label);
        console.log(
          `[browser] ${label}: /bind ready ${round(figures.bind_ready_ms, 0)} ms, click -> bound ${round(figures.click_to_bound_ms, 0)} ms, ` +
            `sign-in ${round(figures.sign_in_ms, 0)} ms (SDK ${round(figures.sign_in_sdk_ms, 0)} ms)`,
        );
        if (!warmup) runs.push(figures);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0]!;
        console.error(`[browser] ${label} failed: ${message}`);
        if (!warmup) failures.push(`${label}: ${message}`);
      }
      // Interleaved with the /bind runs, so all see the same machine; the bare pages take turns going first.
      const references = [
        ['the SDK alone', alonePage.url, sdkAlone],
        ['the SDK alone with the fast byte decode', alonePage.fastUrl, sdkAloneFast],
        ["the SDK alone with the app's start-up fixes", alonePage.fixesUrl, sdkAloneFixes],
      ] as const;
      const turn = i % references.length;
      for (const [name, url, into] of [...references.slice(turn), ...references.slice(0, turn)]) {
        try {
          const alone = await sdkAloneRun(browser, url);
          if (!warmup) into.push(alone);
          console.log(`[browser] ${label}: ${name}, initialised ${round(alone, 0)} ms after navigation`);
        } catch (error) {
          const message = (error as Error).message.split('\n')[0]!;
          console.error(`[browser] ${label} (${name}) failed: ${message}`);
          if (!warmup) failures.push(`${label} (${name}): ${message}`);
        }
      }
    }
    await browser.close();
    browser = undefined;
    // A failed untimed visit loses the returning browser's figure, not the figures above.
    returning = await returningBrowserRuns(launchOptions, system, api).catch((error: unknown) => {
      const message = (error as Error).message.split('\n')[0]!;
      return { readyAt: [], failures: [`returning browser: ${message}`] };
    });
  } catch (error) {
    if (system) console.error(`[browser] last lines of ${system.logPath}:\n${system.tail(30)}`);
    throw error;
  } finally {
    await browser?.close();
    await api?.close();
    if (system) {
      await system.stop();
      removeDir(system.dataDir);
    }
    removeDir(browserHome);
    alonePage.server.close();
  }
  if (!existsSync(path.join(dist, 'index.html')) || readFileSync(path.join(dist, 'index.html'), 'utf8') !== builtIndex) {
    throw new Error('dist/ was rebuilt while the bench ran (another `vite build`); run the bench again');
  }
  if (runs.length === 0 || failures.length > RUNS / 4) {
    throw new Error(`${failures.length} of ${RUNS} browser runs failed:\n${failures.join('\n')}`);
  }

  const pick = (key: keyof RunFigures) => runs.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
  const median = (key: keyof RunFigures) => {
    const values = pick(key);
    return values.length ? latencyStats(values).p50_ms : null;
  };
  const bindReady = latencyStats(pick('bind_ready_ms'));
  const clickToBound = latencyStats(pick('click_to_bound_ms'));
  const signIn = latencyStats(pick('sign_in_ms'));
  const alone = latencyStats(sdkAlone);
  const aloneFast = latencyStats(sdkAloneFast);
  const aloneFixes = latencyStats(sdkAloneFixes);
  console.log(`[browser] /bind ready: p50 ${bindReady.p50_ms} ms, p99 ${bindReady.p99_ms} ms (n ${bindReady.n}; target p50 < 1000 ms)`);
  console.log(`[browser] the SDK alone (bare page, initialize() resolved): p50 ${alone.p50_ms} ms, p99 ${alone.p99_ms} ms (n ${alone.n})`);
  console.log(`[browser] the SDK alone with the app's fast byte decode: p50 ${aloneFast.p50_ms} ms, p99 ${aloneFast.p99_ms} ms (n ${aloneFast.n})`);
  console.log(
    `[browser] the SDK alone with the app's start-up fixes (fast byte decode, eager source positions): p50 ${aloneFixes.p50_ms} ms, ` +
      `p99 ${aloneFixes.p99_ms} ms (n ${aloneFixes.n}); /bind ready is ${round(bindReady.p50_ms - aloneFixes.p50_ms, 0)} ms more at p50`,
  );
  // Like the fresh contexts: more than a quarter of the visits failed, and the figure is not one.
  const returningMeasured = returning.readyAt.length > 0 && returning.failures.length <= RETURNING_RUNS / 4;
  const bindReadyReturning = returningMeasured ? latencyStats(returning.readyAt) : null;
  failures.push(...returning.failures);
  console.log(
    `[browser] /bind ready in a returning browser (persistent profile, restarted per visit; visits ${RETURNING_UNTIMED_VISITS + 1} on: HTTP cache and V8 code cache warm): ` +
      (bindReadyReturning
        ? `p50 ${bindReadyReturning.p50_ms} ms, p99 ${bindReadyReturning.p99_ms} ms (n ${bindReadyReturning.n})`
        : `not measured (${returning.readyAt.length} of ${RETURNING_RUNS} visits worked)`),
  );
  console.log(`[browser] click -> passkey bound: p50 ${clickToBound.p50_ms} ms, p99 ${clickToBound.p99_ms} ms (n ${clickToBound.n})`);
  console.log(`[browser] sign-in (click -> signed-in page): p50 ${signIn.p50_ms} ms, p99 ${signIn.p99_ms} ms (n ${signIn.n})`);

  const result = {
    setup:
      `production build (dist/) served by the real system, Chromium (playwright.config.ts launch options, headless), ` +
      `${WARMUP_RUNS} untimed warm-up run then ${RUNS} runs, each a new browser context (cold HTTP cache, empty IndexedDB), ` +
      'a new identity and RETURN binding job per run; times from in-page marks (performance.now / event.timeStamp). ' +
      'gzip level 9 of dist/ files for the sizes. The SDK alone: after each run, a fresh context opens a bare loopback page ' +
      "that runs the SDK's shipped file (gzipped) as a classic script and calls Embedded.initialize(); navigation start to its resolution. " +
      "With the fast byte decode: the same page, initialize() inside the app's withFastByteDecode (src/passkeys/fast-byte-decode.ts). " +
      "With the app's start-up fixes: also inside its withEagerSourcePositions (src/passkeys/eager-source-positions.ts), started " +
      'before the SDK file runs, the page served with Document-Policy: js-profiling.',
    bind_ready_ms: bindReady,
    bind_ready_breakdown_p50_ms: {
      dom_content_loaded: median('dom_content_loaded_ms'),
      sdk_chunk_response_end: median('sdk_chunk_loaded_ms'),
      longest_main_thread_task: median('longest_task_ms'),
      main_thread_long_tasks_total: median('long_tasks_total_ms'),
    },
    sdk_alone_ready_ms: alone,
    sdk_alone_fast_byte_decode_ready_ms: aloneFast,
    sdk_alone_app_fixes_ready_ms: aloneFixes,
    bind_ready_minus_sdk_alone_app_fixes_p50_ms: round(bindReady.p50_ms - aloneFixes.p50_ms, 1),
    bind_ready_returning_browser_ms: bindReadyReturning,
    sdk_chunk_over_http: { encoded_bytes: runs[0]?.sdk_chunk_encoded_bytes ?? null, decoded_bytes: runs[0]?.sdk_chunk_decoded_bytes ?? null },
    click_to_bound_ms: clickToBound,
    sign_in_ms: signIn,
    sign_in_breakdown_p50_ms: {
      sdk_authenticate: median('sign_in_sdk_ms'),
      callback_to_signed_in_page: median('callback_to_signed_in_ms'),
    },
    failed_runs: failures,
    app_shell: { gzip_kB: kB(shellTotal), files: shell },
    sdk_chunk: { file: sdkFile ?? null, gzip_kB: kB(sdkGzip) },
    targets: {
      app_shell_gzip_kB: { target: '<= 120', value: kB(shellTotal), met: shellTotal <= 120_000 },
      bind_ready_p50_ms: { target: '< 1000', value: bindReady.p50_ms, met: bindReady.p50_ms < 1000 },
    },
  };
  writeResult('browser', result);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
}
