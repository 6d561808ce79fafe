import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTransport } from 'nodemailer';
import { listenLoopback } from '../lib/listen';
import type { Logger } from '../lib/logger';
import { undoOnFailure } from '../lib/undo-on-failure';
import { buildCloud } from './app';
import type { CloudRuntimeConfig } from './config';
import { startCloudWorkers } from './cluster';
import { INTERVAL_MS as FOLD_INTERVAL_MS, startCheckpointer } from './db/checkpointer';
import { startFoldingInline } from './db/identity-jobs';
import { openDb } from './db/open';
import { startMailCapture, type CapturedMessage, type MailCapture } from './mail/capture';
import { mountInbox } from './mail/inbox-routes';
import { smtpTransportOptions } from './mail/transport-options';
import { createMailWorker } from './mail/worker';
import { startOidcHousekeeping } from './oidc/housekeeping';
import { ensureDevTenant, readDevTenant } from './seed';
import { pinToCore } from './pin-core';
import { ensureLocalTls } from './tls/local-ca';

export interface StartCloudOptions {
  /** Vite's build output, where the console's page and assets are; default `dist` in the working directory. */
  distDir?: string;
  /**
   * HTTP processes serving the cloud's port (CLOUD_WORKERS). 1 serves it from
   * this process; more fork cluster workers (see `startCloudWorkers`).
   */
  workers?: number;
  /** Pins each worker to a core of its own (CLOUD_PIN_WORKERS); only with more than one worker. */
  pinWorkers?: boolean;
}

/**
 * Starts the local cloud: database, HTTP listener on loopback, dev tenant,
 * mail (the built-in SMTP capture when SMTP_URL is unset), the mail worker and
 * the purge of expired sign-in rows. `stop()` undoes all of it in order,
 * letting in-flight emails finish. A step that fails (a port already taken, a
 * cluster worker that does not come up) first undoes the steps before it,
 * newest first, then rejects with its own error.
 */
export async function startCloud(config: CloudRuntimeConfig, log: Logger, options: StartCloudOptions = {}) {
  return undoOnFailure(log, async (started) => {
    const db = openDb(config.dbFile);
    started.add('database', () => db.close());
    // In memory there is no WAL and no second connection: this process folds the identities' jobs itself.
    const checkpointer = config.dbFile === ':memory:' ? startFoldingInline(db, FOLD_INTERVAL_MS, log) : startCheckpointer(db, config.dbFile, log);
    started.add(config.dbFile === ':memory:' ? 'identity jobs fold' : 'WAL checkpointer', () => checkpointer.stop());
    let capture: MailCapture | undefined;
    if (!config.mail.smtpUrl) {
      const running = await startMailCapture({ port: config.mail.capturePort });
      started.add('SMTP capture', () => running.close());
      capture = running;
    }
    const smtpUrl = config.mail.smtpUrl ?? `smtp://127.0.0.1:${capture!.port}`;
    const inboxUrl = capture ? `${config.apiBaseUrl}/inbox` : undefined;
    const cloud = buildCloud({
      db,
      config,
      log,
      sealKey: loadSealKey(config.dataDir),
      console: { distDir: options.distDir ?? resolve('dist'), ...(inboxUrl ? { inboxUrl } : {}) },
    });
    if (capture) mountInbox(cloud.app, capture, config.apiBaseUrl);

    // Workers share a port only when it is fixed up front.
    const workerCount = config.port === 0 ? 1 : (options.workers ?? 1);
    const listening = workerCount === 1 ? await listenLoopback(cloud.app.fetch, config.port) : undefined;
    if (listening) started.add('HTTP listener', () => listening.close());
    // The same cloud over https, for the signing keys (`jku`), which the SDK fetches only over TLS.
    const tls = await ensureLocalTls(config.dataDir);
    const tlsListening = await listenLoopback(cloud.app.fetch, config.tlsPort, { key: tls.keyPem, cert: tls.certPem });
    started.add('https listener', () => tlsListening.close());
    const before = readDevTenant(join(config.dataDir, 'dev-tenant.json'));
    const tenant = ensureDevTenant(cloud.deps, { dataDir: config.dataDir, appOrigin: config.appOrigin });
    // Have a signing key before the first sign-in, so the JWKS is never empty.
    await cloud.deps.signingKeys.current(cloud.deps.clock());

    const transport = createTransport(smtpTransportOptions(smtpUrl));
    started.add('SMTP transport', () => transport.close());
    const worker = createMailWorker(cloud.deps, {
      transport,
      from: config.mail.from,
      maxAttempts: config.mail.maxAttempts,
      retryBaseMs: config.mail.retryBaseMs,
    });
    worker.start();
    started.add('mail worker', () => worker.stop());
    // Here in the primary only, as the mail worker: one sweeper is enough for every HTTP worker.
    const housekeeping = startOidcHousekeeping(cloud.deps);
    started.add('OIDC housekeeping', () => housekeeping.stop());
    const workers =
      workerCount > 1
        ? await startCloudWorkers({
            count: workerCount,
            log,
            onMailQueued: () => cloud.deps.onMailQueued(),
            distDir: options.distDir ?? resolve('dist'),
            ...(options.pinWorkers ? { pin: pinToCore } : {}),
            ...(capture ? { inbox: () => capture.messages() } : {}),
          })
        : undefined;
    if (workers) started.add('cloud workers', () => workers.stop());

    return {
      ...cloud,
      db,
      tenant,
      port: listening?.port ?? config.port,
      /** Processes serving the cloud's port. */
      workers: workerCount,
      tlsPort: tlsListening.port,
      caFile: tls.caFile,
      /** Where captured mail can be read, when the built-in capture runs. */
      inboxUrl,
      /**
       * The Admin Console. `passwordIsNew`: this start created the admin's
       * password (it is in `tenant.console`), so the banner may show it, once.
       */
      console: {
        url: tenant.console!.url,
        username: tenant.console!.username,
        passwordIsNew: tenant.console!.password !== before?.console?.password,
      },
      smtp: capture ? `built-in capture on smtp://127.0.0.1:${capture.port}` : 'SMTP_URL',
      worker,
      // Not the start's order backwards: the listeners close first, so that no new
      // request comes in while the mail worker and the housekeeping finish.
      async stop(): Promise<void> {
        await workers?.stop();
        await listening?.close();
        await tlsListening.close();
        await worker.stop();
        // Its last batch commits before the checkpointer's last checkpoint and the close.
        await housekeeping.stop();
        transport.close();
        await capture?.close();
        await checkpointer?.stop();
        db.close();
      },
    };
  });
}

export interface CloudWorkerOptions {
  distDir: string;
  /** A job queued an email: tell the primary, whose mail worker sends it. */
  onMailQueued(): void;
  /** The primary's capture inbox, when it runs one. */
  inbox: (() => Promise<CapturedMessage[]>) | undefined;
}

/**
 * One cloud HTTP worker: the cloud app over the database the primary has
 * migrated and seeded, on the shared port. The primary's checkpointer folds
 * the WAL in, and the primary's mail worker sends what the worker queues.
 */
export async function serveCloudWorker(config: CloudRuntimeConfig, log: Logger, options: CloudWorkerOptions) {
  const db = openDb(config.dbFile);
  // A backstop only: should the primary's checkpointer stop, the WAL still
  // stays bounded (10k pages, 40 MB) by the workers, which do the writing.
  db.pragma('wal_autocheckpoint = 10000');
  const inboxUrl = options.inbox ? `${config.apiBaseUrl}/inbox` : undefined;
  const cloud = buildCloud({
    db,
    config,
    log,
    sealKey: loadSealKey(config.dataDir),
    console: { distDir: options.distDir, ...(inboxUrl ? { inboxUrl } : {}) },
  });
  cloud.deps.onMailQueued = options.onMailQueued;
  if (options.inbox) mountInbox(cloud.app, { messages: options.inbox }, config.apiBaseUrl);
  const listening = await listenLoopback(cloud.app.fetch, config.port);
  return {
    async stop(): Promise<void> {
      await listening.close();
      db.close();
    },
  };
}

/**
 * The key that seals emailed binding links in the outbox, kept beside (not in)
 * the database, so a copy of the database alone reveals no usable link.
 */
export function loadSealKey(dataDir: string): Buffer {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'seal.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
