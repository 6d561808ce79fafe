import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** 32 characters: with the generated key's alphabet (base64url) that is 192 bits, and HMAC-SHA256 needs no more than 256. */
export const MIN_SESSION_SECRET_LENGTH = 32;

/**
 * The session-signing key in `DATA_DIR/secrets/app-session.key` (mode 0600),
 * created on first use. Several app instances sharing DATA_DIR must end up
 * with the same key, even when they start at the same moment: the key is
 * written to a private temporary file and then hard-linked into place, which
 * either succeeds whole or fails with EEXIST, so no instance ever reads a
 * half-written file, and the first writer wins.
 */
export function readOrCreateSessionSecret(dataDir: string): string {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'app-session.key');
  const existing = readKey(file);
  if (existing !== undefined) return checked(existing, file);

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = join(dir, `.app-session.key.${process.pid}.${randomBytes(6).toString('hex')}`);
  writeFileSync(temporary, randomBytes(48).toString('base64url') + '\n', { mode: 0o600 });
  chmodSync(temporary, 0o600);
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return checked(readKey(file)!, file);
}

function readKey(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function checked(key: string, file: string): string {
  if (key.length < MIN_SESSION_SECRET_LENGTH) {
    throw new Error(`${file} holds fewer than ${MIN_SESSION_SECRET_LENGTH} characters; delete it to have a new key made, or set APP_SESSION_SECRET.`);
  }
  return key;
}
