/**
 * The workerd half of `bench/perf-query.ts` (not a test: it asserts nothing about time). Builds a
 * 30-day synthetic history in one hub — three runners in three regions, a new version every two
 * days, a report every two minutes, compacted hourly as the alarm would — on the hub's fake clock,
 * then times `perf` and `compare` through the Worker (HTTP in, RPC to the hub, JSON out). Prints one
 * `PERF_QUERY_RESULT {json}` line that the bench parses. Wall time inside workerd advances only
 * across I/O, which every timed request is.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect, it } from 'vitest';
import { systemClock } from '../../../shared/clock.ts';
import type { ParamsHub } from '../../../edge/hub/params-hub.ts';
import { syntheticDelta } from '../../../tools/synthetic-telemetry.ts';
import { call, createSet, freshSet, lineageOf, putParams, READ_TOKEN } from '../helpers.ts';

const DAY_MS = 86_400_000;
const QUICK = (env as unknown as Record<string, string | undefined>).PERF_BENCH_QUICK === '1';
const DAYS = QUICK ? 3 : 30;
const STEP_MS = 2 * 60_000;
const VERSIONS = Math.max(2, Math.floor(DAYS / 2));
const RUNS = QUICK ? 5 : 20;
const RUNNERS = [
  ['fra-1', 'eu-central-1'],
  ['tyo-1', 'ap-northeast-1'],
  ['nyc-1', 'us-east-1'],
] as const;

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

async function timed(path: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const res = await call('GET', path, { token: READ_TOKEN });
    const text = await res.text();
    samples.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
  }
  return samples;
}

it('measures perf and compare on a long synthetic history', { timeout: 600_000 }, async () => {
  const set = freshSet('perf-bench');
  await createSet(set, { skew_adjustment_factor: 0.5 });
  for (let v = 2; v <= VERSIONS; v++) await putParams(set, v - 1, { skew_adjustment_factor: (v % 20) / 10 });
  const lineage = await lineageOf(set);
  const start = Date.UTC(2026, 0, 1);
  const end = start + DAYS * DAY_MS;
  const size = await runInDurableObject(hub(set), async (instance: ParamsHub) => {
    let now = start;
    instance.clock = { ...systemClock, now: () => now };
    for (let t = start; t < end; t += STEP_MS) {
      now = t;
      const version = Math.min(VERSIONS, 1 + Math.floor((t - start) / (2 * DAY_MS)));
      for (const [runner, region] of RUNNERS) {
        const wobble = ((t / STEP_MS) % 7) - 3;
        const delta = syntheticDelta(t, [
          {
            version,
            lineage,
            markouts: [1 + wobble, 2 - wobble, wobble],
            elapsedS: 120,
            pnl: { spread: 0.5, inventory: wobble / 10 },
          },
          ...(version > 1 ? [{ version: version - 1, lineage, markouts: [wobble], elapsedS: 0 }] : []),
        ]);
        const status = { region, applied_version: version, lineage, sync_state: 'ready' as const };
        const result = await instance.report(set, { runnerId: runner, token: 'bot' }, status, delta);
        if (!result.ok) throw new Error(result.error.message);
      }
      if ((t - start) % 3_600_000 === 0) await instance.compactPerf();
    }
    await instance.compactPerf();
    return instance.perfSize();
  });
  const iso = (ms: number) => new Date(ms).toISOString();
  const last = VERSIONS;
  const result = {
    days: DAYS,
    reports: ((DAYS * DAY_MS) / STEP_MS) * RUNNERS.length,
    rows: size.rows,
    database_bytes: size.databaseBytes,
    queries: {
      [`by=version, ${DAYS} d totals`]: await timed(
        `/v1/sets/${set}/perf?by=version&from=${iso(end - DAYS * DAY_MS)}&to=${iso(end)}`,
      ),
      [`by=region, ${DAYS} d, bucket=1h`]: await timed(
        `/v1/sets/${set}/perf?by=region&from=${iso(end - DAYS * DAY_MS)}&to=${iso(end)}&bucket=1h`,
      ),
      'by=region, 2 h, bucket=1m (dashboard)': await timed(
        `/v1/sets/${set}/perf?by=region&from=${iso(end - 2 * 3_600_000)}&to=${iso(end)}&bucket=1m`,
      ),
      [`compare v${last - 1} v${last}`]: await timed(`/v1/sets/${set}/perf/compare?a=${last - 1}&b=${last}`),
    },
  };
  console.log(`PERF_QUERY_RESULT ${JSON.stringify(result)}`);
  expect(result.rows).toBeGreaterThan(0);
});
