import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { CloudConfig } from './deps';

const port = z.coerce.number().int().min(0).max(65535);

const env = z.object({
  CLOUD_PORT: port.default(8787),
  CLOUD_TLS_PORT: port.default(8788),
  APP_PORT: port.default(3000),
  DATA_DIR: z.string().min(1).default('.data'),
  CLOUD_PUBLIC_URL: z.url().optional(),
  APP_PUBLIC_URL: z.url().optional(),
  BINDING_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(90 * 24 * 3600).default(7 * 24 * 3600),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  SMTP_CAPTURE_PORT: port.default(2525),
  MAIL_FROM: z.string().min(3).default('Bindery <no-reply@bindery.localhost>'),
  BATCH_QUEUE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  // One HTTP process per core, up to two: see bench/results/summary.md for what each adds.
  CLOUD_WORKERS: z.coerce.number().int().min(1).max(16).default(Math.min(2, availableParallelism())),
  // Each HTTP worker on a core of its own: see startCloudWorkers.
  CLOUD_PIN_WORKERS: z.enum(['auto', '1', '0']).default('auto'),
});

export interface CloudRuntimeConfig extends CloudConfig {
  port: number;
  /** The https listener that serves the signing keys (the request JWT's `jku`). */
  tlsPort: number;
  dataDir: string;
  dbFile: string;
  /** HTTP processes serving `port` (CLOUD_WORKERS). */
  workers: number;
  /**
   * Whether each worker is pinned to a core of its own (CLOUD_PIN_WORKERS):
   * `auto` pins on Linux when there are exactly as many workers as cores.
   */
  pinWorkers: boolean;
  /** The app's origin: the seeded authenticator config's Invoke URL and trusted origin. */
  appOrigin: string;
  mail: {
    /** Unset: the cloud runs its own SMTP capture on `capturePort`. */
    smtpUrl: string | undefined;
    capturePort: number;
    from: string;
    maxAttempts: number;
    retryBaseMs: number;
  };
}

/**
 * Reads the cloud's settings from the environment. Ports of 0 mean "any free
 * port"; the public URLs then follow the port actually bound (`withPort`).
 */
export function readCloudConfig(source: NodeJS.ProcessEnv = process.env): CloudRuntimeConfig {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid cloud configuration:\n${z.prettifyError(parsed.error)}`);
  }
  const e = parsed.data;
  const apiBaseUrl = (e.CLOUD_PUBLIC_URL ?? `http://localhost:${e.CLOUD_PORT}`).replace(/\/$/, '');
  return {
    port: e.CLOUD_PORT,
    tlsPort: e.CLOUD_TLS_PORT,
    // The bare host must be in the SDK's allowedDomains; the port may differ.
    jwksBaseUrl: `https://localhost:${e.CLOUD_TLS_PORT}`,
    dataDir: e.DATA_DIR,
    dbFile: join(e.DATA_DIR, 'cloud.sqlite'),
    workers: e.CLOUD_WORKERS,
    pinWorkers:
      e.CLOUD_PIN_WORKERS === 'auto'
        ? // More workers than cores would be pinned two to a core, where the scheduler could not spread them.
          process.platform === 'linux' && e.CLOUD_WORKERS > 1 && e.CLOUD_WORKERS === availableParallelism()
        : e.CLOUD_PIN_WORKERS === '1',
    apiBaseUrl,
    authBaseUrl: apiBaseUrl,
    appOrigin: new URL(e.APP_PUBLIC_URL ?? `http://localhost:${e.APP_PORT}`).origin,
    bindingTokenTtlSeconds: e.BINDING_TOKEN_TTL_SECONDS,
    batchQueueLimit: e.BATCH_QUEUE_LIMIT,
    maxBodyBytes: 256 * 1024,
    mail: {
      smtpUrl: e.SMTP_URL,
      capturePort: e.SMTP_CAPTURE_PORT,
      from: e.MAIL_FROM,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
    },
  };
}
