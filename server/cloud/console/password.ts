import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: N = 2^ln, block size r, parallelism p. */
export interface ScryptCost {
  ln: number;
  r: number;
  p: number;
}

/**
 * OWASP's Password Storage Cheat Sheet lists N=2^17,r=8,p=1 and, as equally
 * strong, N=2^16,r=8,p=2. The second needs half the memory (64 MiB instead of
 * 128 MiB) for the same work, which matters when several sign-ins hash at
 * once. Each hash stores its own cost, so raising it later leaves existing
 * hashes verifiable.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { ln: 16, r: 8, p: 2 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** What a stored hash may ask for: a tampered row must not make verification eat the machine. */
const MAX_LN = 20;

// PHC string format: $scrypt$ln=16,r=8,p=2$<salt>$<hash>, base64 without padding.
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{32,})$/;

/** A new hash of `password` in PHC string format, with a fresh random salt (synchronous: for seeding). */
export function hashPasswordSync(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): string {
  const salt = randomBytes(SALT_BYTES);
  return format(cost, salt, scryptSync(password.normalize('NFC'), salt, KEY_BYTES, options(cost)));
}

/** A new hash of `password` in PHC string format, without blocking the event loop. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return format(cost, salt, await derive(password, salt, KEY_BYTES, cost));
}

/**
 * Whether `password` matches `stored`, compared in constant time. A malformed
 * stored hash is a mismatch. (For unknown usernames, callers verify against a
 * dummy hash, so both answers take as long.)
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.hash.length, parsed.cost);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** The parts of a PHC scrypt string, or undefined when it is not one (or asks for absurd cost). */
export function parsePasswordHash(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  const match = PHC.exec(stored);
  if (!match) return undefined;
  const cost = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (cost.ln < 1 || cost.ln > MAX_LN || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return undefined;
  return { cost, salt: Buffer.from(match[4]!, 'base64'), hash: Buffer.from(match[5]!, 'base64') };
}

function format(cost: ScryptCost, salt: Buffer, key: Buffer): string {
  const b64 = (buffer: Buffer) => buffer.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

function options(cost: ScryptCost): ScryptOptions {
  const N = 2 ** cost.ln;
  // Node refuses more than 32 MiB by default; scrypt needs 128·N·r bytes (plus a little).
  return { N, r: cost.r, p: cost.p, maxmem: 128 * N * cost.r + 4 * 1024 * 1024 };
}

function derive(password: string, salt: Buffer, keyBytes: number, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // NFC: the same password typed on two keyboards must hash the same.
    scrypt(password.normalize('NFC'), salt, keyBytes, options(cost), (error, key) => (error ? reject(error) : resolve(key)));
  });
}
