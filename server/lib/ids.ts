import { hash, randomFillSync } from 'node:crypto';

// Random bytes are drawn from the CSPRNG 4 KiB at a time and handed out once
// each: one getrandom call per request for the request id alone was 3% of
// the bind ceremony's CPU (profiled). Node's randomUUID pools the same way.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `n` fresh random bytes (never handed out twice), encoded. */
function random(n: number, encoding: 'hex' | 'base64url'): string {
  if (n > POOL_BYTES) return randomFillSync(Buffer.alloc(n)).toString(encoding);
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += n;
  return pool.toString(encoding, offset - n, offset);
}

/**
 * A new resource id in Beyond Identity's style: 16 lowercase hex characters
 * (64 random bits), e.g. `e372db224c06e850`.
 */
export function newId(): string {
  return random(8, 'hex');
}

/**
 * A new id of the same shape whose order follows creation time: 11 hex digits
 * of milliseconds since 1970 (enough until the year 2527), then 20 random bits.
 *
 * For rows written at a high rate into a B-tree keyed by id (binding jobs):
 * a random key lands each insert on a random leaf page, so every commit
 * rewrote about one page per row; keys that grow with time fill the same last
 * pages. Measured with the job-creation bench (bench/job-creation.ts). Two ids
 * of one millisecond collide with odds of 1 in 2^20, so the insert retries on
 * a duplicate (binding-jobs/repository.ts). The time is no secret: the API
 * shows each job's `create_time` anyway.
 */
export function newTimeOrderedId(now: number = Date.now()): string {
  if (!Number.isInteger(now) || now < 0 || now >= 16 ** 11) throw new RangeError(`no time-ordered id for time ${now}`);
  return now.toString(16).padStart(11, '0') + random(3, 'hex').slice(1);
}

const ID_PATTERN = /^[0-9a-f]{16}$/;

/** True for an id of the shape `newId()` makes. */
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** A random secret of `bytes` bytes, base64url without padding. */
export function newSecret(bytes: number): string {
  return random(bytes, 'base64url');
}

/**
 * SHA-256 of a secret, hex. Used for binding tokens, API tokens and client
 * secrets: each is at least 256 random bits, so a fast hash is enough to make a
 * stolen database useless (a slow KDF only matters for guessable secrets like
 * passwords). The one-shot `hash` takes a quarter of the time of a Hash
 * object (0.23 against 0.81 µs here), and job creation hashes twice.
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** The current time as RFC 3339 with milliseconds, UTC (`2022-04-12T05:53:07.119Z`). */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
