/**
 * A sliding-window rate limiter: at most `limit` hits per key within any
 * `windowMs`. Kept in this process's memory, so the limits are per
 * instance: N instances behind a load balancer allow N times as much. That
 * is acceptable for the abuse it guards against (mail flooding, guessing);
 * a shared store (e.g. Redis) would make them global.
 */
export interface RateLimiter {
  /** Counts a hit for `key` unless it is over the limit; says when to retry if it is. */
  hit(key: string): { ok: true } | { ok: false; retryAfterSeconds: number };
}

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  clock?: () => Date;
  /** Upper bound on tracked keys, so a flood of distinct keys cannot exhaust memory. */
  maxKeys?: number;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const clock = options.clock ?? (() => new Date());
  const maxKeys = options.maxKeys ?? 50_000;
  /** Per key, the times of its hits inside the window, oldest first. */
  const hits = new Map<string, number[]>();

  const sweep = (now: number) => {
    for (const [key, times] of hits) {
      if (times[times.length - 1]! <= now - options.windowMs) hits.delete(key);
    }
  };

  return {
    hit(key) {
      const now = clock().getTime();
      const times = (hits.get(key) ?? []).filter((t) => t > now - options.windowMs);
      if (times.length >= options.limit) {
        hits.set(key, times);
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0]! + options.windowMs - now) / 1000)) };
      }
      times.push(now);
      if (!hits.has(key) && hits.size >= maxKeys) {
        sweep(now);
        // Still full of live keys: forget the oldest-inserted one rather than grow without bound.
        if (hits.size >= maxKeys) hits.delete(hits.keys().next().value!);
      }
      hits.set(key, times);
      return { ok: true };
    },
  };
}
