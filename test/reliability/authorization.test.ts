/**
 * Issue 7: the authorization matrix (every management operation × no token,
 * garbage, wrong scheme, revoked, expired, wrong scope, other tenant, other
 * realm) over real sockets. It is the in-process matrix of
 * server/cloud/auth/authorization.test.ts, run as is: the test harness is
 * wrapped so that each test cloud also listens on loopback and every request
 * of the harness (`t.request`, `t.tokenWith`) goes through `fetch` to that
 * socket instead of `app.request()`. No second copy of the matrix to drift.
 */
import { afterAll, expect, it, vi } from 'vitest';
import type * as Harness from '../../server/cloud/test/harness';
import type { Listening } from '../../server/lib/listen';

const sockets = vi.hoisted(() => ({ listening: [] as Promise<Listening>[], requests: 0, clouds: [] as { db: { close(): void } }[] }));

vi.mock('../../server/cloud/test/harness', async (importOriginal) => {
  const harness = await importOriginal<typeof Harness>();
  const { listenLoopback } = await import('../../server/lib/listen');
  return {
    ...harness,
    createTestCloud(...args: Parameters<typeof harness.createTestCloud>) {
      const t = harness.createTestCloud(...args);
      const listening = listenLoopback(t.cloud.app.fetch, 0);
      sockets.listening.push(listening);
      sockets.clouds.push(t);
      const overSocket = async (input: string | URL | Request, init?: RequestInit) => {
        if (typeof input !== 'string' || !input.startsWith('/')) throw new Error(`the harness sent ${String(input)}; a path was expected`);
        sockets.requests++;
        return fetch(`http://127.0.0.1:${(await listening).port}${input}`, init);
      };
      t.cloud.app.request = overSocket as typeof t.cloud.app.request;
      return t;
    },
  };
});

// The matrix itself: its describe blocks register here, and run against the wrapped harness.
await import('../../server/cloud/auth/authorization.test');

it('sent the matrix over real sockets', () => {
  // 39 operations, each with a dozen requests or more (tokens minted through the token endpoint included).
  expect(sockets.listening.length).toBeGreaterThanOrEqual(39);
  expect(sockets.requests).toBeGreaterThan(39 * 10);
});

afterAll(async () => {
  for (const listening of sockets.listening) await (await listening).close();
  for (const cloud of sockets.clouds) cloud.db.close();
});
