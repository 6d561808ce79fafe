/**
 * Browser figures. DONE: gzip sizes of the app shell (the entry script and every
 * asset index.html preloads or links) and of the SDK chunk (bi-embedded-*.js),
 * from dist/assets (run `npm run build` first). NOT DONE YET: /bind time to ready,
 * click -> passkey bound, and sign-in time in Chromium (Playwright, /usr/bin/chromium,
 * isolated HOME NSS db via scripts/support/nss.ts); they are reported as null.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ROOT, round, writeResult } from './lib';

const kB = (bytes: number) => round(bytes / 1000, 1);

export async function main(): Promise<Record<string, unknown>> {
  const dist = path.join(ROOT, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('dist/index.html is missing: run `npm run build` first');
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const shellFiles = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const gz = (file: string) => gzipSync(readFileSync(path.join(dist, 'assets', file)), { level: 9 }).length;
  const shell = shellFiles.map((file) => ({ file, gzip_bytes: gz(file) }));
  const shellTotal = shell.reduce((n, f) => n + f.gzip_bytes, 0) + gzipSync(html, { level: 9 }).length;
  const sdkFile = readdirSync(path.join(dist, 'assets')).find((f) => /^bi-embedded-.*\.js$/.test(f));
  const sdkGzip = sdkFile ? gz(sdkFile) : NaN;
  console.log(`[browser] app shell (index.html + ${shell.length} assets): ${kB(shellTotal)} kB gzip (target <= 120 kB); SDK chunk ${sdkFile}: ${kB(sdkGzip)} kB gzip`);
  console.log('[browser] /bind ready, click -> bound and sign-in timings: NOT measured yet (see bench/browser.ts)');
  const result = {
    setup: 'gzip level 9 of dist/ files (production build as present on disk); Chromium timings not implemented yet',
    app_shell: { gzip_kB: kB(shellTotal), files: shell },
    sdk_chunk: { file: sdkFile ?? null, gzip_kB: kB(sdkGzip) },
    bind_ready_ms: null,
    click_to_bound_ms: null,
    sign_in_ms: null,
    targets: {
      app_shell_gzip_kB: { target: '<= 120', value: kB(shellTotal), met: shellTotal <= 120_000 },
      bind_ready_p50_ms: { target: '< 1000', value: null, met: null },
    },
  };
  writeResult('browser', result);
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
}
