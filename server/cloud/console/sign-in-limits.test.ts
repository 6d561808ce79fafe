import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../db/group-commit';
import { openDb, type Db } from '../db/open';
import { tempDbFile } from '../test/temp-db';
import { createSignInLimits, DEFAULT_SIGN_IN_LIMITS, type SignInLimitOptions } from './sign-in-limits';

const open: Database.Database[] = [];
// Closed before temp-db's afterEach removes their files: registered after it, so it runs before it (Vitest runs after-hooks in reverse).
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});
/** A connection of its own, as each HTTP worker has, closed after the test. */
const connect = (file: string) => {
  const db = openDb(file);
  open.push(db);
  return db;
};
const limitsOn = (db: Db, options: SignInLimitOptions, clock: () => Date) => createSignInLimits(db, createGroupCommit(db), options, clock);

describe('console sign-in limits', () => {
  it('are shared by every process on the database: two workers together allow 5 guesses per username, not 10', async () => {
    const { file } = tempDbFile();
    const now = new Date('2026-11-28T12:00:00Z');
    const clock = () => now;
    const workerA = limitsOn(connect(file), DEFAULT_SIGN_IN_LIMITS, clock);
    const workerB = limitsOn(connect(file), DEFAULT_SIGN_IN_LIMITS, clock);
    for (let i = 0; i < 5; i++) {
      const limits = i % 2 === 0 ? workerA : workerB;
      expect(await limits.tryBegin(`10.0.0.${i}`, 'Admin')).not.toHaveProperty('retryAfter');
    }
    expect(await workerA.tryBegin('10.0.0.9', 'admin')).toEqual({ retryAfter: 15 * 60 });
    expect(await workerB.tryBegin('10.0.0.9', 'ADMIN')).toEqual({ retryAfter: 15 * 60 });
    expect(await workerB.tryBegin('10.0.0.9', 'someone-else')).not.toHaveProperty('retryAfter');
  });

  it('forgive a success: the username starts afresh, the address gets back only that attempt', async () => {
    let now = new Date('2026-11-28T12:00:00Z');
    const db = connect(tempDbFile().file);
    const limits = limitsOn(db, { ...DEFAULT_SIGN_IN_LIMITS, perIp: { limit: 3, windowMs: 60_000 } }, () => now);
    const begin = async (username: string) => {
      const attempt = await limits.tryBegin('10.0.0.1', username);
      if ('retryAfter' in attempt) throw new Error(`refused for ${attempt.retryAfter} s`);
      return attempt;
    };
    await begin('ann');
    await begin('ann');
    const third = await begin('ann');
    db.transaction(() => third.succeeded())();
    // The address has 2 of its 3 counted (one forgiven); the username none.
    await begin('bob');
    expect(await limits.tryBegin('10.0.0.1', 'carol')).toEqual({ retryAfter: 60 });
    now = new Date(now.getTime() + 60_001);
    expect(await limits.tryBegin('10.0.0.1', 'carol')).not.toHaveProperty('retryAfter');
  });

  it('hold when two workers check at once: 12 guesses in flight, exactly 5 get through', async () => {
    const { file } = tempDbFile();
    const clock = () => new Date('2026-11-28T12:00:00Z');
    const workers = [limitsOn(connect(file), DEFAULT_SIGN_IN_LIMITS, clock), limitsOn(connect(file), DEFAULT_SIGN_IN_LIMITS, clock)];
    // Handed in during one turn of the event loop: each worker's guesses share a group commit,
    // and the two groups contend for the write lock.
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => workers[i % 2]!.tryBegin(`10.0.0.${i}`, 'admin')));
    expect(outcomes.filter((o) => !('retryAfter' in o))).toHaveLength(5);
  });

  it('count an attempt while another process holds the write lock, without stalling the event loop', async () => {
    const { file } = tempDbFile();
    const limits = limitsOn(connect(file), DEFAULT_SIGN_IN_LIMITS, () => new Date('2026-11-28T12:00:00Z'));
    const other = connect(file);
    other.prepare('BEGIN IMMEDIATE').run();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    // A sleeping wait would never see this timer fire, and would fail after the 5 s busy timeout.
    const release = setTimeout(() => other.prepare('ROLLBACK').run(), 150);
    try {
      const attempt = await limits.tryBegin('10.0.0.1', 'admin');
      expect(attempt).not.toHaveProperty('retryAfter');
      expect(ticks).toBeGreaterThan(10);
    } finally {
      clearInterval(ticker);
      clearTimeout(release);
      if (other.inTransaction) other.prepare('ROLLBACK').run();
    }
  });
});
