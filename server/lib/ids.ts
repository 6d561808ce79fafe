import { createHash, randomBytes } from 'node:crypto';

/**
 * A new resource id in Beyond Identity's style: 16 lowercase hex characters
 * (64 random bits), e.g. `e372db224c06e850`.
 */
export function newId(): string {
  return randomBytes(8).toString('hex');
}

const ID_PATTERN = /^[0-9a-f]{16}$/;

/** True for an id of the shape `newId()` makes. */
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** A random secret of `bytes` bytes, base64url without padding. */
export function newSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 of a secret, hex. Used for binding tokens, API tokens and client
 * secrets: each is at least 256 random bits, so a fast hash is enough to make a
 * stolen database useless (a slow KDF only matters for guessable secrets like
 * passwords).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The current time as RFC 3339 with milliseconds, UTC (`2022-04-12T05:53:07.119Z`). */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
