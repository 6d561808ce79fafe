import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// Vitest settings live in vitest.config.ts, not here.

const root = fileURLToPath(new URL('.', import.meta.url));

/** The app backend (server/app); the dev server forwards API and auth calls to it. */
const appBackend = `http://localhost:${process.env.APP_PORT || '3000'}`;

/** The local cloud (server/cloud), which serves the Admin Console's API under /console/api. */
const cloud = `http://localhost:${process.env.CLOUD_PORT || '8787'}`;

const biSdk = '@beyondidentity/bi-sdk-js';

/**
 * Fails the build when the Beyond Identity SDK's code ends up in a chunk that a page loads
 * eagerly (an entry chunk or a chunk it statically imports). The SDK is large and only needed
 * on the passkey routes, so src/passkeys runs its own file as a script when asked
 * (sdk-script.ts); a stray import of the package would silently bundle it into every page.
 */
function keepBiSdkLazy(): Plugin {
  return {
    name: 'bindery:keep-bi-sdk-lazy',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((output) => (output.type === 'chunk' ? [[output.fileName, output] as const] : [])),
      );
      const eager = new Set<string>();
      const visit = (fileName: string): void => {
        const chunk = chunks.get(fileName);
        if (!chunk || eager.has(fileName)) return;
        eager.add(fileName);
        chunk.imports.forEach(visit);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);

      for (const fileName of eager) {
        // `…/bi-embedded.js?url` is only the file's URL (src/passkeys/sdk-script.ts), not its code.
        const offender = chunks.get(fileName)?.moduleIds.find((id) => id.includes(`/node_modules/${biSdk}/`) && !id.endsWith('?url'));
        if (offender) {
          this.error(
            `${biSdk} is in the eagerly loaded chunk ${fileName}; load it only through src/passkeys/sdk-script.ts.`,
          );
        }
      }
    },
  };
}

/**
 * Writes a gzip copy beside each built script and stylesheet (`x.js.gz`); the app backend
 * serves it to browsers that accept gzip (serveStatic's `precompressed`). Compressed once at
 * build, not per request: the SDK's file is 6.5 MB, 2.3 MB gzipped.
 */
function precompress(): Plugin {
  const compress = promisify(gzip);
  return {
    name: 'bindery:precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir ?? join(root, 'dist');
      await Promise.all(
        Object.keys(bundle)
          .filter((fileName) => /\.(?:js|css)$/.test(fileName))
          .map(async (fileName) => {
            const file = join(dir, fileName);
            const data = await readFile(file);
            // Below a packet or so, gzip's header and the decoding cost more than they save.
            if (data.length >= 1024) await writeFile(`${file}.gz`, await compress(data, { level: 9 }));
          }),
      );
    },
  };
}

export default defineConfig({
  root,
  plugins: [react(), keepBiSdkLazy(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // dist/.vite/manifest.json: the app backend finds the SDK's file there, to preload it.
    manifest: true,
    rolldownOptions: {
      // Multi-page build: one HTML entry per single-page app.
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        // The Admin Console: its own entry and chunks, served by the local cloud at /console.
        console: fileURLToPath(new URL('console.html', import.meta.url)),
      },
    },
  },
  server: {
    // Passkeys need a secure context: open the dev server at http://localhost, not 127.0.0.1.
    host: 'localhost',
    // The Host header is passed through unchanged (no changeOrigin), so redirects and cookies
    // the backend derives from it point back at this dev server.
    proxy: {
      '/api': appBackend,
      '/auth': appBackend,
      // The console's API (JSON and the job event stream) lives on the cloud. The session cookie
      // (Path=/console) then belongs to this dev server's origin, as it does to the cloud's.
      '/console/api': cloud,
      // The console's pages are /console/*, as on the cloud: answer them with console.html (the
      // default fallback would serve the app's index.html).
      '/console': {
        target: cloud,
        bypass: (req) => (req.url?.startsWith('/console/api') ? undefined : '/console.html'),
      },
    },
  },
  preview: {
    host: 'localhost',
  },
});
