/**
 * The simulated exchange's speed: events/s of the seeded simulator alone (market steps, market
 * orders, messages; no strategy attached), and the wall time of one simulated day of a full
 * backtest (the Market Maker V2 engine trading against the simulator, `runBacktest`, as
 * `livetune backtest` runs it). The simulator-alone day is the baseline of the backtest day: the
 * ratio is what the strategy adds. Both are synchronous and timer-free (simulated time).
 */
import { runBacktest } from '../engine/backtest/run-backtest.ts';
import { resolveScenario } from '../engine/sim/scenarios.ts';
import { SimExchange } from '../engine/sim/sim-exchange.ts';
import { DEFAULT_PARAMS } from '../shared/params-schema.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { threadCpuMs } from './measure.ts';

const DAY_MS = 86_400_000;
const SCENARIO = 'volatile';

function timed<T>(fn: () => T): { result: T; wallMs: number; cpuMs: number } {
  const c0 = threadCpuMs();
  const w0 = performance.now();
  const result = fn();
  return { result, wallMs: performance.now() - w0, cpuMs: threadCpuMs() - c0 };
}

function simAlone(durationMs: number, seed: number): number {
  const sim = new SimExchange(resolveScenario(SCENARIO), seed);
  sim.advanceTo(durationMs);
  return sim.events;
}

export const simulatorBench: Bench = {
  name: 'simulator',
  description: 'simulated exchange events/s; wall time of one simulated day (engine + sim)',
  async run(ctx) {
    const duration = ctx.quick ? DAY_MS / 12 : DAY_MS;
    const label = ctx.quick ? '2 simulated hours (--quick)' : 'one simulated day';
    // Warm-up: JIT both paths on a simulated hour.
    simAlone(3_600_000, 99);
    runBacktest({ params: DEFAULT_PARAMS, scenario: SCENARIO, seed: 99, durationMs: 3_600_000 });

    const alone = timed(() => simAlone(duration, 1));
    const backtest = timed(() => runBacktest({ params: DEFAULT_PARAMS, scenario: SCENARIO, seed: 1, durationMs: duration }));
    const simRate = (alone.result / alone.cpuMs) * 1000;
    const btRate = (backtest.result.events / backtest.cpuMs) * 1000;
    const scale = DAY_MS / duration;
    ctx.log(
      `simulator: alone ${alone.result} events in ${alone.wallMs.toFixed(0)} ms wall / ${alone.cpuMs.toFixed(0)} ms CPU; backtest ${backtest.result.events} events, ${backtest.result.book_events} books, ${backtest.result.fills.count} fills in ${backtest.wallMs.toFixed(0)} ms wall / ${backtest.cpuMs.toFixed(0)} ms CPU`,
    );
    return [
      makeRow('simulator', {
        figure: 'simulator events/s (alone)',
        value: simRate,
        unit: 'events/s',
        target: { op: '>=', value: 1_000_000 },
        note: `per CPU-second; ${alone.result.toLocaleString('en-US')} events in ${label} of the "${SCENARIO}" scenario`,
      }),
      makeRow('simulator', {
        figure: 'sim events/s with the engine trading',
        value: btRate,
        unit: 'events/s',
        baseline: simRate,
        baselineLabel: 'sim alone',
        note: `${backtest.result.book_events.toLocaleString('en-US')} book events and ${backtest.result.fills.count.toLocaleString('en-US')} fills for the engine`,
      }),
      makeRow('simulator', {
        figure: `wall time of one simulated day (backtest)${ctx.quick ? ', extrapolated' : ''}`,
        value: (backtest.wallMs * scale) / 1000,
        unit: 's',
        baseline: (alone.wallMs * scale) / 1000,
        baselineLabel: 'sim alone',
        target: { op: '<', value: 10 },
        note: `${((backtest.cpuMs * scale) / 1000).toFixed(2)} s of CPU; runBacktest, engine + sim, "${SCENARIO}", timer every 100 simulated ms`,
      }),
    ];
  },
};
