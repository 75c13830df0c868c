import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { buildDashboard } from './tools/build-dashboard.ts';

// The Worker serves dashboard/dist as its assets; the vitest plugin reads wrangler.toml but does not
// run its [build] command, so the page is built here, before the workerd pool starts.
await buildDashboard();

// Tests inside workerd against the real Worker (wrangler.toml), with test tokens. The head mirror
// interval is long so that only the first write of a burst and an explicit runDurableObjectAlarm()
// write the mirror: the coalescing test then counts KV puts without depending on time.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          LIVETUNE_TOKENS:
            'ops:write:test-write-token,bot:read:test-read-token,ci:write:test-ci-token,root:admin:test-admin-token',
          HEAD_MIRROR_INTERVAL_MS: '600000',
        },
      },
    }),
  ],
  test: {
    include: ['test/edge/**/*.test.ts'],
    testTimeout: 30_000,
    silent: 'passed-only',
  },
});
