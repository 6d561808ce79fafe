import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit';

function limiter(limit: number, windowMs: number, maxKeys?: number) {
  let now = 1_000_000;
  const rateLimiter = createRateLimiter({ limit, windowMs, clock: () => new Date(now), ...(maxKeys ? { maxKeys } : {}) });
  return { hit: (key: string) => rateLimiter.hit(key), advance: (ms: number) => (now += ms) };
}

describe('createRateLimiter', () => {
  it('allows `limit` hits per window, then refuses with the seconds until the oldest hit leaves it', () => {
    const l = limiter(3, 60_000);
    expect(l.hit('a')).toEqual({ ok: true });
    l.advance(10_000);
    expect(l.hit('a')).toEqual({ ok: true });
    expect(l.hit('a')).toEqual({ ok: true });
    expect(l.hit('a')).toEqual({ ok: false, retryAfterSeconds: 50 });
    l.advance(49_500);
    expect(l.hit('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    l.advance(501);
    // The first hit has left the window: one more is allowed, then the next oldest rules.
    expect(l.hit('a')).toEqual({ ok: true });
    expect(l.hit('a')).toEqual({ ok: false, retryAfterSeconds: 10 });
  });

  it('refused hits do not count (a client that keeps retrying is not locked out for longer)', () => {
    const l = limiter(1, 1_000);
    expect(l.hit('a').ok).toBe(true);
    for (let i = 0; i < 10; i++) expect(l.hit('a').ok).toBe(false);
    l.advance(1_000);
    expect(l.hit('a').ok).toBe(true);
  });

  it('keeps keys apart', () => {
    const l = limiter(1, 60_000);
    expect(l.hit('a').ok).toBe(true);
    expect(l.hit('b').ok).toBe(true);
    expect(l.hit('a').ok).toBe(false);
  });

  it('bounds memory: stale keys are swept, and live ones evicted oldest first when full', () => {
    const l = limiter(1, 1_000, 2);
    l.hit('a');
    l.hit('b');
    l.advance(1_001);
    l.hit('c'); // sweeps a and b (stale)
    l.hit('d');
    expect(l.hit('c').ok).toBe(false);
    l.hit('e'); // full of live keys: c (oldest) is evicted
    expect(l.hit('c').ok).toBe(true);
    expect(l.hit('e').ok).toBe(false);
  });
});
