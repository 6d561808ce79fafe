/**
 * Bench-only reference for job creation: the cloud's own work for
 * `POST …/credential-binding-jobs` (API token lookup, the body schema,
 * `issueBindingJob` through the group commit, the same JSON answer) on bare
 * node:http, without Hono and the operation pipeline. Beside the cloud and the
 * peer it splits the gap: the framework's share (cloud vs this) and the work's
 * (this vs the peer). It opens the running system's database file
 * (`BARE_DB`) and serves from `BARE_WORKERS` processes, as the cloud does.
 *
 * WAL checkpoints run as the cloud runs them: on a thread of the primary
 * (the only process with one worker), every 250 ms, with the serving
 * connections' own checkpoints only a backstop (`startCheckpointer`). Left to
 * SQLite, the serving connection that pushes the WAL past 1000 pages copies
 * them to the database file and fsyncs it inside its COMMIT, stalling every
 * request of its process: a handicap the cloud does not have.
 *
 * `BARE_PIN=1` pins worker k to the k-th core, as the cloud does with
 * CLOUD_PIN_WORKERS (the benches follow the cloud's setting).
 *
 * `BARE_OWN_FILES=1` (bench/job-costs.ts only): every process but the first
 * serves from its own copy of the file, taken as it starts. Not a design
 * anyone could ship (each process sees only its own jobs); it measures what
 * sharing one SQLite file between writing processes costs.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { createBindingJobBody } from '../contracts/bi/binding-job';
import { buildCloud } from '../server/cloud/app';
import { issueBindingJob } from '../server/cloud/binding-jobs/issue-binding-job';
import { startCheckpointer } from '../server/cloud/db/checkpointer';
import { openDb } from '../server/cloud/db/open';
import { pinToCore } from '../server/cloud/pin-core';
import { createLogger } from '../server/lib/logger';

const workers = Number(process.env.BARE_WORKERS ?? '1');
const port = Number(process.env.BARE_PORT ?? '0');
// BARE_NO_FOLD=1 (bench/job-costs.ts only): the database as before migration 16, with the per-job index and no fold.
const foldJobs = process.env.BARE_NO_FOLD !== '1';

if (cluster.isPrimary && workers > 1) {
  // Workers share one port (cluster): the primary hands out connections, as the cloud's does.
  const file = process.env.BARE_DB!;
  const checkpointer = startCheckpointer(openDb(file), file, console, { foldJobs });
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    const pid = cluster.fork().process.pid;
    if (process.env.BARE_PIN === '1' && pid !== undefined) pinToCore(pid, i).catch((error: unknown) => console.error('could not pin', error));
  }
  cluster.on('message', (_worker, message: { port: number }) => {
    if (++ready === workers) console.log(`LISTENING ${message.port}`);
  });
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    void checkpointer.stop().finally(() => process.exit(0));
  });
} else {
  serve();
}

function serve(): void {
  let file = process.env.BARE_DB!;
  if (process.env.BARE_OWN_FILES === '1' && cluster.isWorker && cluster.worker!.id > 1) {
    const shared = openDb(file);
    const own = `${file}.own-${cluster.worker!.id}`;
    shared.prepare('VACUUM INTO ?').run(own);
    shared.close();
    file = own;
  }
  const db = openDb(file);
  // As the cloud's workers (serveCloudWorker) and its one process (startCloud) do;
  // a copy of its own has no primary to checkpoint it.
  if (cluster.isWorker && file === process.env.BARE_DB) db.pragma('wal_autocheckpoint = 10000');
  else startCheckpointer(db, file, console, { foldJobs });
  const { deps } = buildCloud({
    db,
    log: createLogger({ service: 'bench-bare' }),
    config: {
      apiBaseUrl: 'http://localhost',
      authBaseUrl: 'http://localhost',
      bindingTokenTtlSeconds: 7 * 24 * 3600,
      maxBodyBytes: 256 * 1024,
      jwksBaseUrl: 'https://localhost',
    },
  });
  const route = /^\/v1\/tenants\/([0-9a-f]{16})\/realms\/([0-9a-f]{16})\/identities\/([0-9a-f]{16})\/credential-binding-jobs$/;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
      (async () => {
        const m = route.exec(req.url ?? '');
        if (req.method !== 'POST' || !m) return void res.writeHead(404).end();
        const [, tenantId, realmId, identityId] = m as unknown as [string, string, string, string];
        const body = createBindingJobBody.parse(JSON.parse(Buffer.concat(chunks).toString()));
        const now = deps.clock();
        // As the cloud's write operations do: the token is checked inside the transaction.
        const answer = await deps.write(() => {
          const principal = deps.authenticate(req.headers.authorization);
          if (principal.tenantId !== tenantId || principal.realmId !== realmId || !principal.scopes.has('credential-binding-jobs:create')) {
            throw new Error('forbidden');
          }
          const { job, link } = issueBindingJob(
            deps,
            {
              tenantId, realmId, identityId,
              deliveryMethod: body.job.delivery_method,
              authenticatorConfigId: body.job.authenticator_config_id,
              postBindingRedirectUri: body.job.post_binding_redirect_uri,
              actor: principal.actor,
              fieldPrefix: 'job.',
            },
            now,
          );
          return { credential_binding_job: job, credential_binding_link: link };
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      })().catch(() => res.writeHead(400).end());
    });
  });
  server.listen(port, '127.0.0.1', () => {
    const bound = (server.address() as { port: number }).port;
    if (cluster.isWorker) process.send?.({ port: bound });
    else console.log(`LISTENING ${bound}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
