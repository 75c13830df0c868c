/**
 * The additive figures one rollup row holds: counts, sums and sums of squares, never means (so
 * minute rows add into hour rows and rows into groups without losing anything), plus the runner's
 * inventory (last, lowest, highest), which is not additive over time and is merged by
 * `mergeInventory`. The column names are the SQLite columns of `perf-rollups.ts`.
 */
import type { VersionTelemetry } from '../../shared/telemetry.ts';

export const SUM_COLUMNS = [
  'elapsed_s',
  'quoted_s',
  'maker_fills',
  'taker_fills',
  'volume',
  'orders',
  'cancels',
  'rejects',
  'pnl_spread',
  'pnl_inventory',
  'pnl_fees',
  'pnl_taker',
  'm1_n',
  'm1_sum',
  'm1_sq',
  'm5_n',
  'm5_sum',
  'm5_sq',
  'm30_n',
  'm30_sum',
  'm30_sq',
  'm60_n',
  'm60_sum',
  'm60_sq',
  'rs_n',
  'rs_sum',
  'rs_sq',
] as const;
export type SumColumn = (typeof SUM_COLUMNS)[number];
export type RollupSums = Record<SumColumn, number>;

/** A runner's inventory in a bucket: the last reported (at `at`, ms) and the extremes. */
export interface InventoryFigures {
  last: number;
  min: number;
  max: number;
  at: number;
}

export function zeroSums(): RollupSums {
  const sums = {} as RollupSums;
  for (const column of SUM_COLUMNS) sums[column] = 0;
  return sums;
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addSums(a: RollupSums, b: Readonly<RollupSums>): RollupSums {
  for (const column of SUM_COLUMNS) a[column] += b[column];
  return a;
}

/** One version's telemetry delta as rollup sums. */
export function sumsOf(v: VersionTelemetry): RollupSums {
  const m = v.markout_bps;
  return {
    elapsed_s: v.elapsed_s,
    quoted_s: v.quoted_s,
    maker_fills: v.maker_fills,
    taker_fills: v.taker_fills,
    volume: v.volume,
    orders: v.orders,
    cancels: v.cancels,
    rejects: v.rejects,
    pnl_spread: v.pnl.spread,
    pnl_inventory: v.pnl.inventory,
    pnl_fees: v.pnl.fees,
    pnl_taker: v.pnl.taker,
    m1_n: m['1s'].n,
    m1_sum: m['1s'].sum,
    m1_sq: m['1s'].sum_sq,
    m5_n: m['5s'].n,
    m5_sum: m['5s'].sum,
    m5_sq: m['5s'].sum_sq,
    m30_n: m['30s'].n,
    m30_sum: m['30s'].sum,
    m30_sq: m['30s'].sum_sq,
    m60_n: m['60s'].n,
    m60_sum: m['60s'].sum,
    m60_sq: m['60s'].sum_sq,
    rs_n: v.realized_spread_bps.n,
    rs_sum: v.realized_spread_bps.sum,
    rs_sq: v.realized_spread_bps.sum_sq,
  };
}

/** The same runner's inventory over a longer span: the later `last`, the wider range. */
export function mergeInventory(a: InventoryFigures | null, b: InventoryFigures | null): InventoryFigures | null {
  if (a === null) return b;
  if (b === null) return a;
  const later = b.at >= a.at ? b : a;
  return { last: later.last, at: later.at, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}
