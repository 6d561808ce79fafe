import { z } from 'zod';

/**
 * The console validates every answer with the contract's zod schemas. zod compiles fast parsers
 * with `new Function` when the page allows it, and probes for that on first use; the cloud serves
 * the console with `default-src 'self'` (no 'unsafe-eval'), so the probe fails and Chromium logs a
 * CSP violation on every page load. Jitless mode skips both the probe and the compiled parsers
 * (the answers are small; interpreted parsing costs nothing noticeable).
 */
z.config({ jitless: true });
