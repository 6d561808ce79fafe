import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A database file path in a fresh temp directory, removed after the test: for
 * tests that need a real file (WAL, several connections), not `:memory:`.
 */
export function tempDbFile(prefix = 'cloud-db-'): { file: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return { file: path.join(dir, 'cloud.sqlite'), dir };
}
