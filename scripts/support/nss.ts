import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** The NSS database Chromium and Firefox read on Linux: `$HOME/.pki/nssdb`. */
export function nssDbDir(home: string): string {
  return path.join(home, '.pki', 'nssdb');
}

/** Whether `certutil` (Debian libnss3-tools) is on the PATH. */
export function hasCertutil(): boolean {
  return spawnSync('certutil', ['-H'], { stdio: 'ignore' }).error === undefined;
}

/** Whether the NSS database under `home` trusts a certificate named `nickname`. */
export function isTrusted(home: string, nickname: string): boolean {
  const result = spawnSync('certutil', ['-d', `sql:${nssDbDir(home)}`, '-L', '-n', nickname], { stdio: 'ignore' });
  return result.status === 0;
}

/**
 * Adds `caFile` as a trusted CA for TLS servers ("C,,") to the NSS database
 * under `home`, creating the database (with an empty password) if needed.
 */
export function trustCa(home: string, caFile: string, nickname: string): void {
  const dir = nssDbDir(home);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const run = (args: string[]) => {
    const result = spawnSync('certutil', ['-d', `sql:${dir}`, ...args], { encoding: 'utf8' });
    if (result.error) throw new Error(`certutil could not run (install libnss3-tools): ${result.error.message}`);
    if (result.status !== 0) throw new Error(`certutil ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  };
  if (spawnSync('certutil', ['-d', `sql:${dir}`, '-L'], { stdio: 'ignore' }).status !== 0) run(['-N', '--empty-password']);
  // Replace an older CA of the same name (a new DATA_DIR makes a new CA).
  spawnSync('certutil', ['-d', `sql:${dir}`, '-D', '-n', nickname], { stdio: 'ignore' });
  run(['-A', '-t', 'C,,', '-n', nickname, '-i', caFile]);
}

/** The nickname Bindery gives its local CA in NSS databases. */
export const CA_NICKNAME = 'Bindery local CA';
