import react from '@vitejs/plugin-react';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Unit, component and API tests. Servers are built in-process on a fresh
 * SQLite database per test file; the browser code runs in jsdom.
 */
export default defineConfig({
  test: {
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
