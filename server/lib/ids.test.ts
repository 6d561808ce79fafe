import { describe, expect, it } from 'vitest';
import { hashSecret, isId, newId, newSecret, newTimeOrderedId } from './ids';

describe('ids and secrets', () => {
  it('makes 16-hex ids that never repeat, across many refills of the random pool', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(ids.every(isId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('makes base64url secrets of the asked length that never repeat, including ones larger than the pool', () => {
    const secrets = Array.from({ length: 2_000 }, () => newSecret(48));
    for (const s of secrets) expect(Buffer.from(s, 'base64url')).toHaveLength(48);
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(Buffer.from(newSecret(10_000), 'base64url')).toHaveLength(10_000);
  });

  it('makes time-ordered ids of the same shape: the time first, then random bits', () => {
    const at = Date.UTC(2026, 11, 4, 18, 30);
    const ids = Array.from({ length: 2_000 }, () => newTimeOrderedId(at));
    expect(ids.every(isId)).toBe(true);
    expect(ids.every((id) => id.startsWith(at.toString(16).padStart(11, '0')))).toBe(true);
    // 20 random bits: 2,000 draws in one millisecond repeat a few at most (expected about 2).
    expect(new Set(ids).size).toBeGreaterThan(1_990);
    // Later ids sort after earlier ones, as text, which is how SQLite orders the key.
    const later = [at - 1, at, at + 1, at + 1_000, Date.UTC(2500, 0, 1)].map((t) => newTimeOrderedId(t));
    expect([...later].sort()).toEqual(later);
    // A time that does not fit the 11 digits (or is no time at all) is refused, not turned into a malformed id.
    for (const bad of [Number.NaN, -1, 16 ** 11, 1.5]) expect(() => newTimeOrderedId(bad)).toThrow(RangeError);
  });

  it('hashes secrets with SHA-256, hex', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
