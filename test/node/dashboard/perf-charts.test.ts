/**
 * What the dashboard's charts are made of, without a browser: a per-region `perf` answer as uPlot
 * columns (gaps stay gaps, P&L accumulates), version changes as markers, and the what-if curves of
 * an edit computed with the engine's own quoting function.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../shared/index.ts';
import { validateParams } from '../../../shared/validate-params.ts';
import type { PerfAnswer, PerfMetrics } from '../../../shared/perf.ts';
import { quoteWhatIf } from '../../../engine/strategy/quote-what-if.ts';
import { canaryAndControl, chartColumns, versionMarkers } from '../../../dashboard/src/perf-series.ts';
import { WHAT_IF_POINTS, whatIfCurves } from '../../../dashboard/src/what-if-curves.ts';

function metrics(pnl: number, markout: number | null): PerfMetrics {
  return {
    elapsed_s: 60,
    fills: 2,
    maker_fills: 2,
    taker_fills: 0,
    volume: 0.2,
    pnl: { spread: pnl, inventory: 0, fees: 0, taker: 0, total: pnl },
    markout_bps: { '1s': markout, '5s': markout, '30s': markout, '60s': markout },
    markout_fills: { '1s': 2, '5s': 2, '30s': 2, '60s': 2 },
    realized_spread_bps: 1,
    fill_rate_per_min: 2,
    quote_uptime: 1,
    orders: 4,
    cancels: 2,
    rejects: 0,
    inventory: { last: pnl / 10, min: 0, max: 1 },
  };
}

const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 14, minute)).toISOString();

const ANSWER: PerfAnswer = {
  set: 'hype-perp',
  by: 'region',
  from: at(0),
  to: at(30),
  bucket_s: 60,
  groups: [
    { key: 'ap', metrics: metrics(3, 1), series: [{ at: at(2), metrics: metrics(3, 1) }] },
    {
      key: 'eu',
      metrics: metrics(3, 2),
      series: [
        { at: at(1), metrics: metrics(1, null) },
        { at: at(3), metrics: metrics(2, 2) },
      ],
    },
  ],
  versions: [
    { version: 1, at: '2026-11-20T00:00:00.000Z', author: 'alice', message: 'seed', kind: 'create' },
    { version: 2, at: at(2), author: 'bob', message: 'widen', kind: 'update' },
  ],
  retention: { minute_hours: 48, hour_days: 90, rows: 3, max_rows: 200_000, evicted_rows: 0 },
};

describe('perf charts', () => {
  it('aligns every region on the union of buckets, leaving gaps where a region has no figure', () => {
    const markout = chartColumns(ANSWER, 'markout');
    expect(markout.series).toEqual(['ap', 'eu']);
    expect(markout.xs).toEqual([at(1), at(2), at(3)].map((t) => Date.parse(t) / 1000));
    expect(markout.ys).toEqual([
      [null, 1, null],
      [null, null, 2],
    ]);
  });

  it('accumulates P&L over the window', () => {
    expect(chartColumns(ANSWER, 'pnl').ys).toEqual([
      [null, 3, null],
      [1, null, 3],
    ]);
  });

  it('marks the version changes inside the window with who made them', () => {
    expect(versionMarkers(ANSWER)).toEqual([{ x: Date.parse(at(2)) / 1000, label: 'v2 · bob', title: 'widen' }]);
  });
});

describe('canary against control', () => {
  const byVersion: PerfAnswer = {
    ...ANSWER,
    by: 'version',
    groups: [
      { key: '2', metrics: metrics(1, 1), series: [{ at: at(1), metrics: metrics(1, 1) }] },
      { key: '3', metrics: metrics(-2, -3), series: [{ at: at(2), metrics: metrics(-2, -3) }] },
      { key: '4', metrics: metrics(5, 0), series: [{ at: at(3), metrics: metrics(5, 0) }] },
    ],
  };

  it('keeps the candidate and the control version only, named for their group', () => {
    const narrowed = canaryAndControl(byVersion, { version: 3, base: 2 });
    expect(narrowed.groups.map((g) => g.key)).toEqual(['canary v3', 'control v2']);
    const markout = chartColumns(narrowed, 'markout');
    expect(markout.series).toEqual(['canary v3', 'control v2']);
    expect(markout.ys).toEqual([
      [null, -3],
      [1, null],
    ]);
  });

  it('has no group before either version reported', () => {
    expect(canaryAndControl({ ...byVersion, groups: [] }, { version: 3, base: 2 }).groups).toEqual([]);
  });
});

describe('what-if curves', () => {
  const current = validateParams({ ...DEFAULT_PARAMS });
  if (!current.ok) throw new Error('defaults must validate');

  it('evaluates the engine quote across inventory −Qmax…Qmax for the current params', () => {
    const curves = whatIfCurves(current.params, null);
    expect(curves.inventory).toHaveLength(WHAT_IF_POINTS);
    expect(curves.inventory[0]).toBe(-current.params.max_position);
    expect(curves.inventory.at(-1)).toBe(current.params.max_position);
    const middle = (WHAT_IF_POINTS - 1) / 2;
    const direct = quoteWhatIf(current.params, { mid: 100, inventory: 0, adverse_selection: 0 }, { tick: 0.0001, lot: 0.0001 });
    expect(curves.current.bid[middle]).toBe(direct.offsets_bps.bid);
    expect(curves.edited).toBeNull();
  });

  it('shows what an edit changes: a wider base spread moves both offsets out', () => {
    const edited = validateParams({ ...current.params, base_half_spread_bps: current.params.base_half_spread_bps * 2 });
    if (!edited.ok) throw new Error('edit must validate');
    const curves = whatIfCurves(current.params, edited.params);
    const middle = (WHAT_IF_POINTS - 1) / 2;
    expect(curves.edited!.bid[middle]).toBeGreaterThan(curves.current.bid[middle]!);
    expect(curves.edited!.ask[middle]).toBeGreaterThan(curves.current.ask[middle]!);
  });

  it('spans the larger max_position when the edit changes it', () => {
    const edited = validateParams({ ...current.params, max_position: current.params.max_position * 2 });
    if (!edited.ok) throw new Error('edit must validate');
    expect(whatIfCurves(current.params, edited.params).inventory.at(-1)).toBe(current.params.max_position * 2);
  });
});
