/**
 * Entry point of one cloud HTTP worker (see `startCloudWorkers`): the same
 * cloud app over the primary's database, listening on the shared port.
 */
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { createLogger } from '../lib/logger';
import type { CapturedMessage } from './mail/capture';
import type { ToPrimary, ToWorker } from './cluster';
import { readCloudConfig } from './config';
import { serveCloudWorker } from './server';

/** How long `/inbox` waits for the primary's answer. */
const INBOX_TIMEOUT_MS = 5_000;

const send = (message: ToPrimary) => {
  if (process.connected) process.send?.(message);
};

async function main(): Promise<void> {
  // Signals reach the whole process group (Ctrl-C, `kill -TERM -pgid`, a
  // container stop); the primary decides when and in which order workers
  // stop, over IPC. Handled before anything is awaited, so that a signal
  // during boot does not kill the worker either.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  const serving: { stop?: () => Promise<void>; stopRequested: boolean } = { stopRequested: false };
  const stopNow = () => void (serving.stop?.() ?? Promise.resolve()).then(() => process.exit(0));

  let nextInboxId = 1;
  const waiting = new Map<number, { done: (messages: CapturedMessage[]) => void; fail: (error: Error) => void }>();
  process.on('message', (message: ToWorker) => {
    if (message.type === 'inbox') {
      waiting.get(message.id)?.done(message.messages);
      waiting.delete(message.id);
    } else if (message.type === 'stop') {
      serving.stopRequested = true;
      if (serving.stop) stopNow();
    }
  });

  const log = createLogger({ service: 'bindery' }).child({ part: 'cloud', worker: cluster.worker?.id });
  const served = await serveCloudWorker(readCloudConfig(), log, {
    distDir: process.env.BINDERY_DIST_DIR ?? resolve('dist'),
    // Queued inside a transaction: tell the primary only after it has committed,
    // or its mail worker may look before the message is there.
    onMailQueued: () => setImmediate(() => send({ type: 'mail-queued' })),
    inbox:
      process.env.BINDERY_INBOX === '1'
        ? () =>
            new Promise<CapturedMessage[]>((done, fail) => {
              const id = nextInboxId++;
              const timer = setTimeout(() => {
                waiting.delete(id);
                fail(new Error('the primary did not answer for the inbox'));
              }, INBOX_TIMEOUT_MS);
              waiting.set(id, { done: (messages) => (clearTimeout(timer), done(messages)), fail });
              send({ type: 'inbox', id });
            })
        : undefined,
  });
  serving.stop = served.stop;
  // A stop that came while booting is carried out now.
  if (serving.stopRequested) return stopNow();
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
