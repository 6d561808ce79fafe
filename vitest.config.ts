import { availableParallelism } from 'node:os';
import react from '@vitejs/plugin-react';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Unit, component and API tests. Servers are built in-process on a fresh
 * SQLite database per test file; the browser code runs in jsdom.
 */
export default defineConfig({
  test: {
    // One worker per core, not Vitest's default of one fewer: the files wait on sockets, child
    // processes and SQLite as much as they compute. On 2 cores: 240 s -> 162 s for the suite.
    maxWorkers: availableParallelism(),
    projects: [
      {
        test: {
          name: 'server',
          environment: 'node',
          include: ['server/**/*.test.ts', 'contracts/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
          // Load, crash and fuzz tests: `npm run test:reliability` (vitest.reliability.config.ts).
          exclude: [...configDefaults.exclude, 'test/reliability/**'],
          testTimeout: 20_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'browser',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
        },
      },
    ],
  },
});
