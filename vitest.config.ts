import { defineConfig } from 'vitest/config';

// Two CPU cores on the build machines: unit tests run in parallel forks, the browser
// end-to-end tests (real Chromium + a real `fieldmark serve`) one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/realdata/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
