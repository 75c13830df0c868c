/**
 * One unit of a sweep: one params candidate on one seed, and the figures it produced. Jobs are plain
 * data (structured-clone safe) so any executor can carry them: this thread, worker threads, or
 * Cloudflare Workers behind a queue (docs/SWEEP.md).
 */
import type { Params } from '../../shared/params-schema.ts';
import { runBacktest } from '../backtest/run-backtest.ts';
import type { ScenarioKnobs } from '../sim/scenarios.ts';

export type SweepPhase = 'search' | 'holdout';

export interface SweepJob {
  /** Index of the candidate in the sweep (0 is the base params). */
  candidate: number;
  seed: number;
  phase: SweepPhase;
  params: Params;
  scenario: string;
  overrides: Partial<ScenarioKnobs>;
  durationMs: number;
}

export interface SweepJobResult {
  candidate: number;
  seed: number;
  phase: SweepPhase;
  sharpe: number;
  pnl: number;
  max_drawdown: number;
  fills: number;
  markout_5s_bps: number | null;
  inventory_std: number;
  taker_volume: number;
  events: number;
}

/** Runs one job in the calling thread (what every executor ends up calling). */
export function runSweepJob(job: SweepJob): SweepJobResult {
  const r = runBacktest({
    params: job.params,
    scenario: job.scenario,
    overrides: job.overrides,
    seed: job.seed,
    durationMs: job.durationMs,
  });
  return {
    candidate: job.candidate,
    seed: job.seed,
    phase: job.phase,
    sharpe: r.sharpe,
    pnl: r.pnl.total,
    max_drawdown: r.pnl.max_drawdown,
    fills: r.fills.count,
    markout_5s_bps: r.markouts_bps['5s'],
    inventory_std: r.inventory.std,
    taker_volume: r.liquidation.volume,
    events: r.events,
  };
}
