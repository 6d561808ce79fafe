import type { GroupCommit } from '../db/group-commit';
import type { Db } from '../db/open';

/**
 * Limits on console sign-in attempts. The counts live in the database (shared
 * by every HTTP worker); the hashing slots are per process, since each
 * process has its own memory to protect.
 *
 * An attempt counts as a failure from the moment it starts and is forgiven
 * only when it succeeds. So concurrent guesses cannot all slip past the
 * limit while their password hashes are still being computed.
 */
export interface SignInLimitOptions {
  /** Failures per username (any case) within the window. */
  perUsername: { limit: number; windowMs: number };
  /** Failures per client address within the window: against spraying many usernames. */
  perIp: { limit: number; windowMs: number };
  /** Password hashes computed at once (each takes 64 MiB); more attempts wait in line. */
  concurrentHashes: number;
  /** Attempts that may wait for a hash; beyond that, 429 at once. */
  maxWaiting: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimitOptions = {
  perUsername: { limit: 5, windowMs: 15 * 60_000 },
  perIp: { limit: 20, windowMs: 15 * 60_000 },
  concurrentHashes: 2,
  maxWaiting: 32,
};

/**
 * Counts and forgives attempts per key in a sliding window, in the database:
 * every HTTP worker (CLOUD_WORKERS) sees the same counts, and a restart
 * forgets nothing.
 */
function createWindow(db: Db, scope: 'username' | 'ip', options: { limit: number; windowMs: number }, clock: () => Date) {
  const live = db.prepare(`SELECT time FROM console_sign_in_attempts WHERE scope = ? AND key = ? AND time > ? ORDER BY time`).pluck();
  const insert = db.prepare(`INSERT INTO console_sign_in_attempts (scope, key, time) VALUES (?, ?, ?)`);
  const prune = db.prepare(`DELETE FROM console_sign_in_attempts WHERE scope = ? AND time <= ?`);
  const removeOne = db.prepare(`DELETE FROM console_sign_in_attempts WHERE id = ?`);
  const clearKey = db.prepare(`DELETE FROM console_sign_in_attempts WHERE scope = ? AND key = ?`);
  return {
    /** Seconds until `key` may try again, or 0 when it may now. */
    retryAfter(key: string): number {
      const now = clock().getTime();
      const times = live.all(scope, key, now - options.windowMs) as number[];
      if (times.length < options.limit) return 0;
      return Math.max(1, Math.ceil((times[times.length - options.limit]! + options.windowMs - now) / 1000));
    },
    /** Counts an attempt; returns its handle for `remove`. */
    add(key: string): number | bigint {
      const now = clock().getTime();
      prune.run(scope, now - options.windowMs);
      return insert.run(scope, key, now).lastInsertRowid;
    },
    remove: (id: number | bigint) => void removeOne.run(id),
    clear: (key: string) => void clearKey.run(scope, key),
  };
}

/**
 * `write` is the process's group commit (`deps.write`): with CLOUD_WORKERS > 1
 * another worker may hold SQLite's write lock, and a plain transaction would
 * wait for it in SQLite's busy handler, which sleeps the whole process.
 */
export function createSignInLimits(db: Db, write: GroupCommit, options: SignInLimitOptions, clock: () => Date) {
  const byUser = createWindow(db, 'username', options.perUsername, clock);
  const byIp = createWindow(db, 'ip', options.perIp, clock);
  let running = 0;
  const waiting: (() => void)[] = [];

  return {
    /**
     * Checks the limits and, when they allow it, counts an attempt (a failure
     * until `succeeded`), in one write transaction: two HTTP workers cannot both
     * see the fifth guess as allowed. `retryAfter` seconds when refused.
     * `succeeded` writes: call it inside a write (the one that starts the
     * session, so that the two commit together).
     */
    tryBegin(ip: string, username: string): Promise<{ retryAfter: number } | { succeeded(): void }> {
      const user = username.toLowerCase();
      return write(() => {
        const retryAfter = Math.max(byUser.retryAfter(user), byIp.retryAfter(ip));
        if (retryAfter > 0) return { retryAfter };
        byUser.add(user);
        const atIp = byIp.add(ip);
        return {
          succeeded(): void {
            // A correct password clears the username's failures, and forgives this attempt for the address.
            byUser.clear(user);
            byIp.remove(atIp);
          },
        };
      });
    },
    /**
     * Runs `task` (a password hash) when a slot is free. Undefined, at once,
     * when too many attempts already wait: memory, not time, is what runs out.
     */
    async hashing<T>(task: () => Promise<T>): Promise<T | undefined> {
      if (running >= options.concurrentHashes) {
        if (waiting.length >= options.maxWaiting) return undefined;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      running++;
      try {
        return await task();
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
  };
}

export type SignInLimits = ReturnType<typeof createSignInLimits>;
