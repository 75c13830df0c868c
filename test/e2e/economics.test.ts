/**
 * The strategy's knobs must do what their names say in a market that has the phenomena they target.
 * Seeded and long enough to be stable; each comparison runs both arms on the same seeds, i.e. on the
 * very same market (the simulator's market never depends on our orders). Hours of simulated
 * trading per test: seconds of CPU, so they run with the e2e suite, not the unit suite.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../../shared/params-schema.ts';
import { runBacktest, type BacktestReport } from '../../engine/backtest/run-backtest.ts';

const HOURS = 3;
const SEEDS = [1, 2];

function runs(scenario: string, over: Partial<Params>): BacktestReport[] {
  return SEEDS.map((seed) =>
    runBacktest({ params: { ...DEFAULT_PARAMS, ...over }, scenario, seed, durationMs: HOURS * 3_600_000 }),
  );
}

/** Mean 5 s markout per fill over all runs (each run's mean weighted by its fills). */
function pooledMarkout5s(reports: BacktestReport[]): number {
  let sum = 0;
  let n = 0;
  for (const r of reports) {
    sum += (r.markouts_bps['5s'] ?? 0) * r.fills.count;
    n += r.fills.count;
  }
  return sum / n;
}

describe('economics in the simulator', () => {
  it('in toxic, μ̂ correlates positively with the next second’s return', () => {
    // The latent signal tilts depth and drives the drift, so the imbalance μ̂ smooths is informative.
    const [report] = runs('toxic', {});
    expect(report!.mu_next_1s_return_correlation).toBeGreaterThan(0.2);
  });

  it('raising adverse_selection_adjustment_factor improves the mean 5 s markout per fill', () => {
    // Informed takers trade in the signal's direction; widening the side μ̂ says they will hit
    // avoids their fills, so the fills we keep are the noise traders' (better markouts).
    const low = pooledMarkout5s(runs('toxic', { adverse_selection_adjustment_factor: 0 }));
    const high = pooledMarkout5s(runs('toxic', { adverse_selection_adjustment_factor: 2 }));
    expect(high).toBeGreaterThan(low + 0.1);
  });

  it('raising skew_adjustment_factor lowers inventory variance', () => {
    const low = runs('volatile', { skew_adjustment_factor: 0 });
    const high = runs('volatile', { skew_adjustment_factor: 2 });
    for (let i = 0; i < SEEDS.length; i++) expect(high[i]!.inventory.std).toBeLessThan(low[i]!.inventory.std);
  });

  it('halted trades nothing', () => {
    const [report] = runs('volatile', { trading_mode: 'halted' });
    expect(report!.fills.count).toBe(0);
    expect(report!.orders.placed).toBe(0);
    expect(report!.pnl.total).toBe(0);
  });
});
