import { defineConfig } from 'vitest/config';

// Unit and property tests that run in Node: shared schemas, runner, strategy, simulator, CLI.
export default defineConfig({
  test: {
    include: ['test/node/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
