import { describe, expect, it } from 'vitest';
import { runSweep } from '../../../engine/sweep/run-sweep.ts';
import {
  candidateLabel,
  gridCandidates,
  parseGridAxis,
  parseSeeds,
  randomCandidates,
  sensitivityCandidates,
} from '../../../engine/sweep/sweep-candidates.ts';
import { sweepChart } from '../../../engine/sweep/sweep-chart.ts';
import { inlineExecutor } from '../../../engine/sweep/sweep-executor.ts';
import type { SweepJobResult } from '../../../engine/sweep/sweep-job.ts';
import { summariseSweep } from '../../../engine/sweep/summarise-sweep.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';

function result(candidate: number, seed: number, sharpe: number): SweepJobResult {
  return {
    candidate,
    seed,
    phase: 'search',
    sharpe,
    pnl: sharpe * 10,
    max_drawdown: 1,
    fills: 100,
    markout_5s_bps: 0,
    inventory_std: 1,
    taker_volume: 0,
    events: 1,
  };
}

describe('sweep candidates', () => {
  it('parses grids and seeds, and names what is wrong', () => {
    expect(parseGridAxis('requote_threshold_bps=0,1,2.5')).toEqual({ key: 'requote_threshold_bps', values: [0, 1, 2.5] });
    expect(() => parseGridAxis('trading_mode=active')).toThrow(/trading_mode.*expected a numeric parameter/);
    expect(() => parseGridAxis('base_half_spread_bps=1,x')).toThrow(/value "x" is not a finite number/);
    expect(parseSeeds('1-4,9')).toEqual([1, 2, 3, 4, 9]);
    expect(() => parseSeeds('a-b')).toThrow(/--seeds "a-b": expected whole numbers and ranges/);
  });

  it('builds the base then the product of the axes, each validated by the params schema', () => {
    const c = gridCandidates(DEFAULT_PARAMS, [
      parseGridAxis('base_half_spread_bps=4,6'),
      parseGridAxis('requote_threshold_bps=1,3'),
    ]);
    expect(c).toHaveLength(5);
    expect(c[0]).toBe(DEFAULT_PARAMS);
    expect(candidateLabel(DEFAULT_PARAMS, c[4]!)).toBe('base_half_spread_bps=6 requote_threshold_bps=3');
    expect(() => gridCandidates(DEFAULT_PARAMS, [parseGridAxis('order_size=10')])).toThrow(/candidate order_size=10/);
  });

  it('draws the same random candidates for the same seed', () => {
    expect(randomCandidates(DEFAULT_PARAMS, 5, 3)).toEqual(randomCandidates(DEFAULT_PARAMS, 5, 3));
    expect(randomCandidates(DEFAULT_PARAMS, 5, 3)).not.toEqual(randomCandidates(DEFAULT_PARAMS, 5, 4));
  });
});

describe('sensitivity candidates', () => {
  it('moves one key at a time, clamped to its range, never repeating the base value', () => {
    const c = sensitivityCandidates(DEFAULT_PARAMS, [0.5, 2], ['skew_adjustment_factor', 'requote_threshold_bps']);
    expect(c.map((p) => candidateLabel(DEFAULT_PARAMS, p))).toEqual([
      'base',
      'skew_adjustment_factor=0.25',
      'skew_adjustment_factor=1',
      'requote_threshold_bps=1',
      'requote_threshold_bps=4',
    ]);
    const atZero = sensitivityCandidates({ ...DEFAULT_PARAMS, requote_threshold_bps: 0 }, [0.5, 2], ['requote_threshold_bps']);
    expect(atZero.map((p) => p.requote_threshold_bps)).toEqual([0, 10]); // ×0.5 of 0 is 0 (skipped); ×2 steps by the range
  });
});

describe('sweep summary', () => {
  it('pairs each candidate with the base on the same seed: a small steady gain has a large t', () => {
    const results = [1, 2, 3, 4].flatMap((seed) => [result(0, seed, seed), result(1, seed, seed + 0.1 + 0.01 * (seed % 2))]);
    const [best, base] = summariseSweep(results, 'sharpe');
    expect(best!.candidate).toBe(1);
    expect(best!.diff_mean).toBeCloseTo(0.105, 12);
    expect(best!.t!).toBeGreaterThan(10); // the seeds' spread (sd ≈ 1.3) cancels out
    expect(base!.t).toBeNull();
  });
});

describe('runSweep', () => {
  it('runs every candidate on every seed, re-runs the best on the holdout seeds and charts it', async () => {
    const candidates = gridCandidates(DEFAULT_PARAMS, [parseGridAxis('requote_threshold_bps=0,5')]);
    const seen: number[] = [];
    const report = await runSweep({
      candidates,
      seeds: [1, 2],
      holdoutSeeds: [3],
      scenario: 'toxic',
      durationMs: 3 * 60_000,
      objective: 'pnl',
      holdoutTop: 1,
      executor: inlineExecutor(),
      onResult: (_, done) => seen.push(done),
    });
    expect(report.search).toHaveLength(3);
    expect(report.holdout).toHaveLength(2);
    expect(report.results).toHaveLength(8);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(report.holdout.map((r) => r.candidate)).toContain(report.search.find((r) => r.candidate !== 0)!.candidate);
    const svg = sweepChart(report, [parseGridAxis('requote_threshold_bps=0,5')]);
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<polyline');
  });
});
