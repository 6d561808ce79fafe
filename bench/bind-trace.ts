/**
 * `npm run bench:trace`: where `/bind`'s time to ready goes, from a Chromium trace. It is how
 * the README's account of the missed `/bind` target was measured, and how a change to it can be
 * checked before the full browser bench. Same setup as bench/browser.ts: the production build,
 * the real system, a fresh context per run, the landing URL of a fresh binding link.
 *
 * For each run after one untimed warm-up it prints:
 * - ready: navigation start to "Create passkey" enabled with "Ready on this browser.";
 * - every request: when it was sent, and when the page's main thread handled its end (a
 *   response that arrives while the main thread is busy is handled only once it is free);
 * - the main thread's tasks of 8 ms or more that ran script, with the script's file, and V8's
 *   parses of single functions of 8 ms or more (a lazily compiled function is parsed in full on
 *   the main thread when it is first called);
 * - the SDK's parse in the background (Chromium parses a classic script while it downloads);
 * - a summary: the SDK's background parse, its evaluation, and how much of that evaluation was
 *   V8 parsing functions (the SDK's UMD factories each hold its 5.7 MB base64 literal).
 *
 * `TRACE_RUNS` (default 3) timed runs. Traces go to a temp dir, removed at the end.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, devices, type Browser } from '@playwright/test';
import { CA_NICKNAME, trustCa } from '../scripts/support/nss';
import type { RunningSystem } from '../scripts/support/system';
import { bundleSizes, e2eLaunchOptions, ensureDist, personLandingUrl } from './browser';
import { managementApi, removeDir, ROOT, startBindery, tempDir } from './lib';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: Record<string, unknown>; name?: string };
}

const CATEGORIES = ['devtools.timeline', 'v8', 'disabled-by-default-v8.compile', 'blink', 'loading', 'toplevel', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];
/** Main-thread events that run script (or parse and lay out), shown when they take this long. */
const SHOWN = new Set(['EvaluateScript', 'v8.evaluateModule', 'FunctionCall', 'BlinkScheduler_PerformMicrotaskCheckpoint', 'ParseHTML', 'Layout', 'MajorGC', 'V8.ParseFunction']);
const SDK_FILE = /\/assets\/bi-embedded-[^/]+\.js$/;
const MIN_MS = 8;

const ms = (us: number) => Math.round(us / 1000);
const file = (url: unknown) => (typeof url === 'string' ? url.replace(/^https?:\/\/[^/]+/, '').split('?')[0]! : '');

/** The timeline of one traced `/bind` load, as lines. */
export function describeTrace(events: TraceEvent[]): string[] {
  const nav = events.find((e) => e.name === 'navigationStart' && String(e.args?.data?.documentLoaderURL ?? '').includes('/bind'));
  if (!nav) return ['(no navigation to /bind in the trace)'];
  const at = (ts: number) => String(ms(ts - nav.ts)).padStart(5);
  const requests = new Map<string, { url: string; sent: number; handled?: number }>();
  for (const e of events) {
    const data = e.args?.data ?? {};
    const id = String(data.requestId ?? '');
    // The page's own requests only: Chromium's new headless mode sometimes loads its omnibox
    // popup (chrome:// pages) into a fresh context, and data: URLs are not requests.
    if (e.name === 'ResourceSendRequest' && e.ts >= nav.ts && /^https?:/.test(String(data.url))) requests.set(id, { url: file(data.url), sent: e.ts });
    if (e.name === 'ResourceFinish' && requests.has(id)) requests.get(id)!.handled = e.ts;
  }
  const lines = [...requests.values()].map((r) => `  request ${at(r.sent)} -> ${r.handled ? at(r.handled) : '    ?'} ms  ${r.url}`);
  const main = events.filter((e) => e.pid === nav.pid && e.tid === nav.tid && e.ph === 'X' && e.ts >= nav.ts);
  for (const e of main) {
    if (!SHOWN.has(e.name) || (e.dur ?? 0) < MIN_MS * 1000) continue;
    const data = e.args?.data ?? {};
    const script = file(data.url ?? data.fileName);
    lines.push(`  main    ${at(e.ts)} +${String(ms(e.dur ?? 0)).padStart(4)} ms  ${e.name}${script ? ` ${script}` : ''}${data.functionName ? ` ${String(data.functionName)}` : ''}`);
  }
  const parses = events.filter((e) => e.pid === nav.pid && e.ph === 'X' && e.name === 'v8.parseOnBackground' && SDK_FILE.test(file(e.args?.data?.url)));
  for (const e of parses) lines.push(`  worker  ${at(e.ts)} +${String(ms(e.dur ?? 0)).padStart(4)} ms  v8.parseOnBackground ${file(e.args?.data?.url)}`);
  lines.sort((a, b) => Number(a.slice(10, 15)) - Number(b.slice(10, 15)));
  const evaluation = main.find((e) => e.name === 'EvaluateScript' && SDK_FILE.test(file(e.args?.data?.url)));
  if (evaluation) {
    const end = evaluation.ts + (evaluation.dur ?? 0);
    // Outermost parses only: a parse inside another is already counted in it.
    let parsing = 0;
    let until = 0;
    for (const e of main.filter((x) => x.name === 'V8.ParseFunction' && x.ts >= evaluation.ts && x.ts < end).sort((x, y) => x.ts - y.ts)) {
      if (e.ts < until) continue;
      parsing += e.dur ?? 0;
      until = e.ts + (e.dur ?? 0);
    }
    const background = parses.reduce((n, e) => n + (e.dur ?? 0), 0);
    lines.push(
      `  SDK: background parse ${ms(background)} ms; evaluation ${ms(evaluation.dur ?? 0)} ms on the main thread, of which V8 parsing functions ${ms(parsing)} ms`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const runs = Number(process.env.TRACE_RUNS ?? 3);
  const dist = path.join(ROOT, 'dist');
  ensureDist(dist);
  bundleSizes(dist); // refuses a development build
  const home = tempDir('bindery-trace-home-');
  const traces = tempDir('bindery-trace-');
  let system: RunningSystem | undefined;
  let browser: Browser | undefined;
  let api: ReturnType<typeof managementApi> | undefined;
  try {
    system = await startBindery();
    trustCa(home, path.join(system.dataDir, 'tls', 'ca.pem'), CA_NICKNAME);
    api = managementApi(system, 4);
    browser = await chromium.launch(await e2eLaunchOptions(home));
    const { defaultBrowserType: _unused, ...desktop } = devices['Desktop Chrome'];
    for (let run = 0; run <= runs; run++) {
      const job = await api.createJob(await api.createIdentity(`trace-${run}-${Date.now()}`), 'RETURN');
      const url = await personLandingUrl(api, job.credential_binding_link!);
      const context = await browser.newContext(desktop);
      const page = await context.newPage();
      const tracePath = path.join(traces, `run-${run}.json`);
      await browser.startTracing(page, { path: tracePath, categories: CATEGORIES });
      await page.goto(url);
      await page.waitForFunction(
        () => {
          const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Create passkey');
          return Boolean(button && !button.disabled && document.body.textContent?.includes('Ready on this browser'));
        },
        null,
        { polling: 'raf', timeout: 30_000 },
      );
      const ready = await page.evaluate(() => performance.now());
      await browser.stopTracing();
      await context.close();
      if (run === 0) continue; // warm-up: the first context pays for the browser's own start
      console.log(`run ${run}: /bind ready at ${Math.round(ready)} ms`);
      const { traceEvents } = JSON.parse(readFileSync(tracePath, 'utf8')) as { traceEvents: TraceEvent[] };
      for (const line of describeTrace(traceEvents)) console.log(line);
    }
  } finally {
    await browser?.close();
    await api?.close();
    await system?.stop();
    if (system) removeDir(system.dataDir);
    removeDir(home);
    removeDir(traces);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
}
