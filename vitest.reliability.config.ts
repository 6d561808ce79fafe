import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability` (issue 7): load, crash, fault and fuzz tests
 * over real sockets and real processes. One file at a time, so each has the
 * machine to itself; `npm run test:unit` leaves `test/reliability` out.
 */
export default defineConfig({
  test: {
    name: 'reliability',
    environment: 'node',
    include: ['test/reliability/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
