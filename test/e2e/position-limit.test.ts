/**
 * |Q| ≤ max_position at the simulated exchange itself, over random params, scenarios and seeds.
 * Twelve 10-minute backtests: seconds of CPU, so it runs with the e2e suite, not the unit suite.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../../shared/params-schema.ts';
import { runBacktest } from '../../engine/backtest/run-backtest.ts';
import { GRID_EPS } from '../../shared/eps.ts';

describe('position limit end to end', () => {
  it('property: whatever the params and market, the venue position never passes max_position', () => {
    // Quote sizes are capped at placement, one order per side lives at a time (cancel, then place),
    // and liquidation is reduce-only: together |Q| ≤ max_position must hold at the exchange itself.
    fc.assert(
      fc.property(
        fc.record({
          order_size: fc.double({ min: 0.05, max: 3, noNaN: true }),
          max_position: fc.double({ min: 0.1, max: 5, noNaN: true }),
          base_half_spread_bps: fc.double({ min: 0.5, max: 20, noNaN: true }),
          skew_adjustment_factor: fc.double({ min: 0, max: 2, noNaN: true }),
          adverse_selection_adjustment_factor: fc.double({ min: 0, max: 2, noNaN: true }),
          requote_threshold_bps: fc.double({ min: 0, max: 20, noNaN: true }),
          inventory_urgency_threshold: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        fc.constantFrom('calm', 'volatile', 'toxic', 'regime-switch'),
        fc.integer({ min: 1, max: 1_000_000 }),
        (over, scenario, seed) => {
          const params: Params = { ...DEFAULT_PARAMS, ...over };
          const report = runBacktest({ params, scenario, seed, durationMs: 10 * 60_000 });
          expect(report.inventory.max_abs).toBeLessThanOrEqual(params.max_position + GRID_EPS);
        },
      ),
      { numRuns: 12 },
    );
  });
});
