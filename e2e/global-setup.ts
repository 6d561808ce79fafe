import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { CA_NICKNAME, trustCa } from '../scripts/support/nss';
import { startSystem } from '../scripts/support/system';

/**
 * Playwright global setup: starts the whole system (local cloud + app) once
 * for the test run, on free ports with a fresh DATA_DIR, and exports
 * E2E_APP_URL, E2E_CLOUD_URL and E2E_DATA_DIR to the tests. Builds the SPA
 * first when `dist/` is missing. Returns the teardown, which stops exactly the
 * process group it started and deletes the data dir (kept when E2E_KEEP_DATA
 * is set, to look at the database and system.log afterwards).
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const root = config.configFile ? path.dirname(config.configFile) : process.cwd();
  if (!existsSync(path.join(root, 'dist', 'index.html'))) {
    console.log('[e2e] dist/index.html is missing; building the SPA…');
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`[e2e] vite build failed (exit ${build.status ?? build.signal}).`);
  }

  const system = await startSystem({ root, command: ['npx', 'tsx', 'scripts/start.ts'], timeoutMs: 60_000 });
  // Safety net if the runner dies without running the teardown: never leave servers behind.
  const killOnExit = () => {
    try {
      process.kill(-system.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);

  // Strict TLS: the browser's NSS database (in its own HOME) trusts this run's local CA.
  const browserHome = process.env.E2E_BROWSER_HOME!;
  trustCa(browserHome, path.join(system.dataDir, 'tls', 'ca.pem'), CA_NICKNAME);

  process.env.E2E_APP_URL = system.appUrl;
  process.env.E2E_CLOUD_TLS_URL = system.cloudTlsUrl;
  process.env.E2E_CLOUD_URL = system.cloudUrl;
  process.env.E2E_DATA_DIR = system.dataDir;
  console.log(`[e2e] system up: app ${system.appUrl}, cloud ${system.cloudUrl}, data ${system.dataDir}`);

  return async () => {
    process.removeListener('exit', killOnExit);
    await system.stop();
    rmSync(browserHome, { recursive: true, force: true });
    if (process.env.E2E_KEEP_DATA) console.log(`[e2e] kept ${system.dataDir}`);
    else rmSync(system.dataDir, { recursive: true, force: true });
  };
}
