import { defineConfig } from 'vitest/config';

// Real processes on loopback (wrangler dev, runners, the CLI). One file at a time: each file starts
// its own edge and the machine has two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
