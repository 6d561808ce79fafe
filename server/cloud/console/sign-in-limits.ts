/**
 * Limits on console sign-in attempts, kept in this process's memory (a
 * restart forgets them; the local cloud is one process).
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

/** Counts and forgives attempts per key in a sliding window. */
function createWindow(options: { limit: number; windowMs: number }, clock: () => Date, maxKeys = 10_000) {
  const hits = new Map<string, number[]>();
  const live = (key: string, now: number) => (hits.get(key) ?? []).filter((t) => t > now - options.windowMs);
  return {
    /** Seconds until `key` may try again, or 0 when it may now. */
    retryAfter(key: string): number {
      const now = clock().getTime();
      const times = live(key, now);
      if (times.length < options.limit) return 0;
      return Math.max(1, Math.ceil((times[times.length - options.limit]! + options.windowMs - now) / 1000));
    },
    add(key: string): number {
      const now = clock().getTime();
      const times = live(key, now);
      times.push(now);
      if (!hits.has(key) && hits.size >= maxKeys) hits.delete(hits.keys().next().value!);
      hits.set(key, times);
      return now;
    },
    remove(key: string, at: number): void {
      const times = hits.get(key);
      const index = times?.indexOf(at) ?? -1;
      if (times && index >= 0) times.splice(index, 1);
    },
    clear: (key: string) => void hits.delete(key),
  };
}

export function createSignInLimits(options: SignInLimitOptions, clock: () => Date) {
  const byUser = createWindow(options.perUsername, clock);
  const byIp = createWindow(options.perIp, clock);
  let running = 0;
  const waiting: (() => void)[] = [];

  return {
    /** Seconds to wait before this address may try this username again; 0 when it may now. */
    retryAfter(ip: string, username: string): number {
      return Math.max(byUser.retryAfter(username.toLowerCase()), byIp.retryAfter(ip));
    },
    /** Starts an attempt (counted as a failure until `succeeded`). */
    begin(ip: string, username: string) {
      const user = username.toLowerCase();
      byUser.add(user);
      const atIp = byIp.add(ip);
      return {
        succeeded(): void {
          // A correct password clears the username's failures, and forgives this attempt for the address.
          byUser.clear(user);
          byIp.remove(ip, atIp);
        },
      };
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
