import { describe, expect, it } from 'vitest';
import { formatBacktestReport } from '../../../cli/format-backtest-report.ts';
import { runBacktest } from '../../../engine/backtest/run-backtest.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';

describe('backtest report', () => {
  it('summarises a short run for humans and stays plain JSON', () => {
    const progress: number[] = [];
    const report = runBacktest({
      params: DEFAULT_PARAMS,
      scenario: 'regime-switch',
      seed: 4,
      durationMs: 15 * 60_000,
      onProgress: (done) => progress.push(done),
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(progress.length).toBeGreaterThanOrEqual(99);
    expect(progress.at(-1)).toBe(15 * 60_000);
    // The one human format is the CLI's (the engine returns numbers): scenario, seed, simulated time, markouts.
    const text = formatBacktestReport(report);
    expect(text).toMatch(/^backtest regime-switch · seed 4 · 15min simulated/);
    expect(text).toMatch(/^markouts +1s -?\d/m);
  });
});

describe('backtest report with a baseline', () => {
  it('carries the DESIGN shape and a baseline with the same figures, both rendered', () => {
    const report = runBacktest({ params: DEFAULT_PARAMS, scenario: 'toxic', seed: 2, durationMs: 10 * 60_000, baseline: true });
    expect(Object.keys(report.pnl).sort()).toEqual([
      'fees',
      'inventory',
      'max_drawdown',
      'spread_capture',
      'taker_cost',
      'total',
    ]);
    expect(Object.keys(report.markouts_bps)).toEqual(['1s', '5s', '30s', '60s']);
    expect(Object.keys(report.liquidation).sort()).toEqual(['max_step_fraction', 'median_step_fraction', 'orders', 'volume']);
    expect(Object.keys(report.reconciliation).sort()).toEqual(['corrections', 'max_abs_mismatch', 'mismatch_seconds']);
    const p = report.pnl;
    expect(p.spread_capture + p.inventory - p.fees - p.taker_cost).toBeCloseTo(p.total, 9);
    const b = report.baseline!;
    expect(Object.keys(b).sort()).toEqual(
      ['fills', 'inventory', 'markouts_bps', 'markouts_fair_bps', 'pnl', 'realized_spread_bps', 'sharpe'].sort(),
    );
    expect(b.fills.taker).toBe(0); // the baseline never liquidates
    expect(b.fills.count).toBeGreaterThan(0);
    const text = formatBacktestReport(report);
    expect(text).toMatch(/^baseline +fixed spread/m);
    expect(text).toMatch(/^ {2}sharpe \(1 min\) +-?\d/m);
  });
});
