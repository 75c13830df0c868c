/**
 * Sweep throughput: the same sweep (8 backtests of a simulated hour each, toxic, the default params
 * with two requote thresholds) on 1 and then 2 worker threads, in one run, so the ratio is measured
 * on the same machine state. Backtests share nothing, so the target is near-linear scaling: ≥ 1.7×
 * on 2 cores (DESIGN "Targets"). The engine-side executor is the interface; the threads are the
 * CLI's pool (cli/sweep-worker-pool.ts), as `livetune sweep` uses it.
 */
import { workerPoolExecutor } from '../cli/sweep-worker-pool.ts';
import { runSweep } from '../engine/sweep/run-sweep.ts';
import { gridCandidates, parseGridAxis } from '../engine/sweep/sweep-candidates.ts';
import { DEFAULT_PARAMS } from '../shared/params-schema.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';

async function timedSweep(workers: number, durationMs: number): Promise<{ wallMs: number; runs: number }> {
  const executor = workerPoolExecutor(workers);
  try {
    const candidates = gridCandidates(DEFAULT_PARAMS, [parseGridAxis('requote_threshold_bps=1')]);
    const started = performance.now();
    const report = await runSweep({
      candidates,
      seeds: [1, 2, 3, 4],
      holdoutSeeds: [],
      scenario: 'toxic',
      durationMs,
      objective: 'sharpe',
      executor,
    });
    return { wallMs: performance.now() - started, runs: report.results.length };
  } finally {
    await executor.close();
  }
}

export const sweepBench: Bench = {
  name: 'sweep',
  description: 'sweep runs/s with 1 and 2 worker threads (same sweep, one run)',
  async run(ctx) {
    const duration = ctx.quick ? 600_000 : 3_600_000;
    await timedSweep(2, 60_000); // warm-up: threads start, modules load and JIT
    const one = await timedSweep(1, duration);
    const two = await timedSweep(2, duration);
    const rate = (r: { wallMs: number; runs: number }) => (r.runs / r.wallMs) * 1000;
    ctx.log(`sweep: 1 worker ${one.runs} runs in ${one.wallMs.toFixed(0)} ms; 2 workers in ${two.wallMs.toFixed(0)} ms`);
    return [
      makeRow('sweep', {
        figure: 'sweep speed-up, 2 workers vs 1',
        value: rate(two) / rate(one),
        unit: '',
        target: { op: '>=', value: 1.7 },
        note: `${one.runs} backtests of ${duration / 60_000} simulated min (toxic): ${rate(one).toFixed(2)} runs/s on 1 worker, ${rate(two).toFixed(2)} on 2`,
      }),
    ];
  },
};
