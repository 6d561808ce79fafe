/** Vite's content-hashed file names (`console-BX3a9_kQ.js`): their content never changes, so they may be cached for good. */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/** `Cache-Control` for a built file: for good when its name carries its content hash, else revalidated on each use. */
export function assetCacheControl(fileName: string): string {
  return HASHED.test(fileName) ? 'public, max-age=31536000, immutable' : 'no-cache';
}
