import { describe, expect, it } from 'vitest';
import { openDb } from '../db/open';
import { tempDbFile } from '../test/temp-db';
import { createSignInLimits, DEFAULT_SIGN_IN_LIMITS } from './sign-in-limits';

describe('console sign-in limits', () => {
  it('are shared by every process on the database: two workers together allow 5 guesses per username, not 10', () => {
    const { file } = tempDbFile();
    const now = new Date('2026-11-28T12:00:00Z');
    const clock = () => now;
    const workerA = createSignInLimits(openDb(file), DEFAULT_SIGN_IN_LIMITS, clock);
    const workerB = createSignInLimits(openDb(file), DEFAULT_SIGN_IN_LIMITS, clock);
    for (let i = 0; i < 5; i++) {
      const limits = i % 2 === 0 ? workerA : workerB;
      expect(limits.tryBegin(`10.0.0.${i}`, 'Admin')).not.toHaveProperty('retryAfter');
    }
    expect(workerA.tryBegin('10.0.0.9', 'admin')).toEqual({ retryAfter: 15 * 60 });
    expect(workerB.tryBegin('10.0.0.9', 'ADMIN')).toEqual({ retryAfter: 15 * 60 });
    expect(workerB.tryBegin('10.0.0.9', 'someone-else')).not.toHaveProperty('retryAfter');
  });

  it('forgive a success: the username starts afresh, the address gets back only that attempt', () => {
    let now = new Date('2026-11-28T12:00:00Z');
    const limits = createSignInLimits(openDb(tempDbFile().file), { ...DEFAULT_SIGN_IN_LIMITS, perIp: { limit: 3, windowMs: 60_000 } }, () => now);
    const begin = (username: string) => {
      const attempt = limits.tryBegin('10.0.0.1', username);
      if ('retryAfter' in attempt) throw new Error(`refused for ${attempt.retryAfter} s`);
      return attempt;
    };
    begin('ann');
    begin('ann');
    begin('ann').succeeded();
    // The address has 2 of its 3 counted (one forgiven); the username none.
    begin('bob');
    expect(limits.tryBegin('10.0.0.1', 'carol')).toEqual({ retryAfter: 60 });
    now = new Date(now.getTime() + 60_001);
    expect(limits.tryBegin('10.0.0.1', 'carol')).not.toHaveProperty('retryAfter');
  });
});
