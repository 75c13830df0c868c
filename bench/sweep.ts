/**
 * Sweep throughput: the same sweep (16 backtests of one simulated hour each, toxic, the default
 * params and one other requote threshold) on 1 and then 2 worker threads, in one run, so the ratio is measured
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

/** One sweep on `workers` threads, timed after every thread has started and run a job (start-up is not throughput). */
async function timedSweep(
  workers: number,
  durationMs: number,
  seeds: number[],
): Promise<{ wallMs: number; cpuMs: number; runs: number }> {
  const executor = workerPoolExecutor(workers);
  try {
    const candidates = gridCandidates(DEFAULT_PARAMS, [parseGridAxis('requote_threshold_bps=1')]);
    const sweep = (d: number, s: number[]) =>
      runSweep({ candidates, seeds: s, holdoutSeeds: [], scenario: 'toxic', durationMs: d, objective: 'sharpe', executor });
    // Warm-up: every thread runs two 10-minute backtests first, so each one's JIT is hot before timing.
    await sweep(600_000, seeds.slice(0, 2 * workers));
    const started = performance.now();
    // The whole process's CPU (all threads): on a machine shared with other work it tells how much
    // of the cores the sweep actually got, which the wall-time ratio alone hides.
    const cpu0 = process.cpuUsage();
    const report = await sweep(durationMs, seeds);
    const cpu = process.cpuUsage(cpu0);
    return { wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, runs: report.results.length };
  } finally {
    await executor.close();
  }
}

export const sweepBench: Bench = {
  name: 'sweep',
  description: 'sweep runs/s with 1 and 2 worker threads (same sweep, one run)',
  async run(ctx) {
    const duration = ctx.quick ? 600_000 : 3_600_000;
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const one = await timedSweep(1, duration, seeds);
    const two = await timedSweep(2, duration, seeds);
    const rate = (r: { wallMs: number; runs: number }) => (r.runs / r.wallMs) * 1000;
    const cores = (r: { wallMs: number; cpuMs: number }) => (r.cpuMs / r.wallMs).toFixed(2);
    ctx.log(`sweep: 1 worker ${one.runs} runs in ${one.wallMs.toFixed(0)} ms; 2 workers in ${two.wallMs.toFixed(0)} ms`);
    return [
      makeRow('sweep', {
        figure: 'sweep speed-up, 2 workers vs 1',
        value: rate(two) / rate(one),
        unit: '',
        target: { op: '>=', value: 1.7 },
        note: `${one.runs} backtests of ${duration / 60_000} simulated min (toxic): ${rate(one).toFixed(2)} runs/s on 1 worker (${cores(one)} cores used), ${rate(two).toFixed(2)} on 2 (${cores(two)} cores used)`,
      }),
    ];
  },
};
