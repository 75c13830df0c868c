import { defineConfig } from 'vitest/config';

// Real processes on loopback (wrangler dev, runners, the CLI). One file at a time: each file starts
// its own edge and the machine has two cores. The deadlines are generous on purpose: CI machines
// are busy, and every wait inside a test has its own deadline and names what it waited for
// (tools/eventually.ts), so a real failure still says what went wrong rather than "timed out".
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
