/**
 * `npm run start:app`: the app alone (SPA + backend), for pointing at the real
 * Beyond Identity cloud with `BI_*` variables (see the README). It never
 * starts the local cloud. Build the SPA first (`npm run build`).
 */
import { resolve } from 'node:path';
import { buildApp } from '../server/app/app';
import { readAppConfig } from '../server/app/config';
import { listenLoopback } from '../server/lib/listen';
import { createLogger } from '../server/lib/logger';

async function main(): Promise<void> {
  const log = createLogger({ service: 'bindery-app' });
  const config = readAppConfig(process.env);
  const app = buildApp({ config, log, distDir: resolve('dist') });
  const listening = await listenLoopback(app.fetch, config.port);
  console.log(`Bindery app on ${config.publicUrl}, using Beyond Identity at ${config.bi.apiBaseUrl}. Ctrl-C stops it.`);
  const stop = async () => {
    await listening.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
