import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSpaHtml } from './spa';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dist(manifest?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'spa-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'index.html'), '<html><head><script type="module" src="/assets/index-1.js"></script></head><body></body></html>');
  if (manifest !== undefined) {
    mkdirSync(join(dir, '.vite'));
    writeFileSync(join(dir, '.vite', 'manifest.json'), JSON.stringify(manifest));
  }
  return dir;
}

const sdk = { 'node_modules/@beyondidentity/bi-sdk-js/dist/bi-embedded.js': { file: 'assets/bi-embedded-Ab12.js' } };

describe('the SPA page', () => {
  it('preloads the SDK file (a classic script: no crossorigin) on the routes that start the SDK, and only there', () => {
    const html = createSpaHtml(dist(sdk));
    for (const path of ['/bind', '/bind/', '/bi-authenticate', '/passkeys']) {
      expect(html(path)).toContain('<link rel="preload" as="script" href="/assets/bi-embedded-Ab12.js">\n  </head>');
    }
    for (const path of ['/', '/signup', '/email-link', '/binding']) expect(html(path)).not.toContain('preload');
  });

  it('serves the page unchanged without a manifest, or with a chunk name it does not trust', () => {
    expect(createSpaHtml(dist())('/bind')).not.toContain('preload');
    const odd = { 'node_modules/@beyondidentity/bi-sdk-js/dist/bi-embedded.js': { file: 'assets/x.js"><script>' } };
    expect(createSpaHtml(dist(odd))('/bind')).not.toContain('preload');
  });

  it('is undefined when the SPA is not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spa-'));
    dirs.push(dir);
    expect(createSpaHtml(dir)('/bind')).toBeUndefined();
  });
});
