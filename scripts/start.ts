/**
 * `npm start`: the whole system on loopback — the local cloud (Beyond
 * Identity-compatible, with its mail) and the app — with data in DATA_DIR.
 * On an empty DATA_DIR it seeds a development tenant and writes
 * DATA_DIR/dev-tenant.json. Ctrl-C (SIGINT) or SIGTERM shuts everything down.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { buildApp } from '../server/app/app';
import { readAppConfig } from '../server/app/config';
import { readCloudConfig } from '../server/cloud/config';
import { startCloud } from '../server/cloud/server';
import { listenLoopback } from '../server/lib/listen';
import { createLogger } from '../server/lib/logger';
import { CA_NICKNAME, hasCertutil, isTrusted } from './support/nss';

async function main(): Promise<void> {
  const log = createLogger({ service: 'bindery' });
  const cloudConfig = readCloudConfig();
  const cloud = await startCloud(cloudConfig, log.child({ part: 'cloud' }), {
    distDir: resolve('dist'),
    workers: cloudConfig.workers,
    pinWorkers: cloudConfig.pinWorkers,
  });
  const stops: (() => Promise<void>)[] = [() => cloud.stop()];

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    for (const step of stops.reverse()) await step();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const appConfig = readAppConfig(process.env);
  const app = buildApp({ config: appConfig, log: log.child({ part: 'app' }), distDir: resolve('dist') });
  const appListening = await listenLoopback(app.fetch, appConfig.port);
  stops.push(() => appListening.close());

  const dataDir = resolve(readCloudConfig().dataDir);
  console.log(
    [
      'Bindery is running.',
      `  App:         ${appConfig.publicUrl}`,
      `  Local cloud: ${cloud.tenant.api_base_url}  (tenant ${cloud.tenant.tenant_id}, realm ${cloud.tenant.realm_id}; ${cloud.workers} HTTP ${cloud.workers === 1 ? 'process' : 'processes'})`,
      `  Signing keys: https://localhost:${cloud.tlsPort} (local CA ${cloud.caFile}: ${caStatus(cloud.caFile)})`,
      `  Console:     ${cloud.console.url}  (user ${cloud.console.username}; ${
        // The password is printed on the start that created it only; it stays in dev-tenant.json.
        cloud.console.passwordIsNew ? `password ${cloud.tenant.console?.password}, shown once, also in dev-tenant.json` : 'password in dev-tenant.json'
      })`,
      `  Mail:        ${cloud.smtp}${cloud.inboxUrl ? `; read it at ${cloud.inboxUrl} (JSON: ${cloud.inboxUrl}/messages)` : ''}`,
      `  Dev tenant:  ${resolve(dataDir, 'dev-tenant.json')}  (ids, client credentials and an API token)`,
      `  Data:        ${dataDir}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
}

/** Whether the browser will trust the local CA, and what to do if not. */
function caStatus(caFile: string): string {
  if (!hasCertutil()) return 'trust not checked: certutil (libnss3-tools) is missing';
  return isTrusted(process.env.HOME || homedir(), CA_NICKNAME)
    ? 'trusted in $HOME/.pki/nssdb'
    : `NOT trusted yet; run \`npm run trust-local-ca\` (sign-in with a passkey needs it), or trust ${caFile} yourself`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
