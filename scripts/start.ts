/**
 * `npm start`: the whole system on loopback — the local cloud (Beyond
 * Identity-compatible) and the app — with data in DATA_DIR. On an empty
 * DATA_DIR it seeds a development tenant and writes DATA_DIR/dev-tenant.json.
 * Ctrl-C (SIGINT) or SIGTERM shuts both down and closes the database.
 */
import { resolve } from 'node:path';
import { buildApp } from '../server/app/app';
import { readAppConfig } from '../server/app/config';
import { buildCloud } from '../server/cloud/app';
import { readCloudConfig } from '../server/cloud/config';
import { openDb } from '../server/cloud/db/open';
import { ensureDevTenant } from '../server/cloud/seed';
import { listenLoopback, type Listening } from '../server/lib/listen';
import { createLogger } from '../server/lib/logger';

async function main(): Promise<void> {
  const log = createLogger({ service: 'bindery' });
  const cloudConfig = readCloudConfig();
  const db = openDb(cloudConfig.dbFile);
  const cloud = buildCloud({ db, config: cloudConfig, log: log.child({ part: 'cloud' }) });
  const listening: Listening[] = [];

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    await Promise.all(listening.map((server) => server.close()));
    db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  listening.push(await listenLoopback(cloud.app.fetch, cloudConfig.port));
  const tenant = ensureDevTenant(cloud.deps, { dataDir: cloudConfig.dataDir, appOrigin: cloudConfig.appOrigin });

  const appConfig = readAppConfig(process.env);
  const app = buildApp({ config: appConfig, log: log.child({ part: 'app' }), distDir: resolve('dist') });
  listening.push(await listenLoopback(app.fetch, appConfig.port));

  const tenantFile = resolve(cloudConfig.dataDir, 'dev-tenant.json');
  console.log(
    [
      'Bindery is running.',
      `  App:         ${appConfig.publicUrl}`,
      `  Local cloud: ${tenant.api_base_url}  (tenant ${tenant.tenant_id}, realm ${tenant.realm_id})`,
      `  Dev tenant:  ${tenantFile}  (ids, client credentials and an API token)`,
      `  Data:        ${resolve(cloudConfig.dataDir)}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
