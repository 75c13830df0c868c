import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { buildDashboard } from './tools/build-dashboard.ts';

// The Worker serves dashboard/dist as its assets (see vitest.edge.config.ts).
await buildDashboard();

// The workerd half of `bench/perf-query.ts`: the probes under test/edge/bench, inside the real
// Worker and hub (wrangler.toml), with the test tokens. Not part of the test suites.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          LIVETUNE_TOKENS: 'ops:write:test-write-token,bot:read:test-read-token,root:admin:test-admin-token',
          HEAD_MIRROR_INTERVAL_MS: '600000',
          PERF_BENCH_QUICK: process.env.PERF_BENCH_QUICK ?? '0',
        },
      },
    }),
  ],
  test: {
    include: ['test/edge/bench/*.probe.ts'],
    testTimeout: 600_000,
  },
});
