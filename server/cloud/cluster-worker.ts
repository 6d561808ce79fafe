/**
 * Entry point of one cloud HTTP worker (see `startCloudWorkers`): the same
 * cloud app over the primary's database, listening on the shared port.
 */
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { createLogger } from '../lib/logger';
import type { ToPrimary, ToWorker } from './cluster';
import { readCloudConfig } from './config';
import { serveCloudWorker } from './server';

const send = (message: ToPrimary) => process.send?.(message);

async function main(): Promise<void> {
  const log = createLogger({ service: 'bindery' }).child({ part: 'cloud', worker: cluster.worker?.id });
  let nextInboxId = 1;
  const waiting = new Map<number, (messages: Extract<ToWorker, { type: 'inbox' }>['messages']) => void>();
  const served = await serveCloudWorker(readCloudConfig(), log, {
    distDir: process.env.BINDERY_DIST_DIR ?? resolve('dist'),
    // Queued inside a transaction: tell the primary only after it has committed,
    // or its mail worker may look before the message is there.
    onMailQueued: () => setImmediate(() => send({ type: 'mail-queued' })),
    inbox:
      process.env.BINDERY_INBOX === '1'
        ? () =>
            new Promise((done) => {
              const id = nextInboxId++;
              waiting.set(id, done);
              send({ type: 'inbox', id });
            })
        : undefined,
  });
  process.on('message', (message: ToWorker) => {
    if (message.type === 'inbox') {
      waiting.get(message.id)?.(message.messages);
      waiting.delete(message.id);
    } else if (message.type === 'stop') {
      void served.stop().then(() => process.exit(0));
    }
  });
  // Ctrl-C reaches the whole process group; the primary decides when workers stop.
  process.on('SIGINT', () => undefined);
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
