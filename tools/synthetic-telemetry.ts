/**
 * Synthetic telemetry deltas (`shared/telemetry.ts`) for tests and benchmarks of the edge's
 * rollups: a version's minute of trading with chosen fills, P&L parts and markouts, made from
 * sample values so that sums and sums of squares agree. Runtime-neutral (workerd runs it too).
 */
import type { TelemetryDelta, VersionTelemetry } from '../shared/telemetry.ts';

export interface SyntheticVersion {
  version: number;
  lineage: string;
  elapsedS?: number;
  quotedS?: number;
  makerFills?: number;
  takerFills?: number;
  /** Each maker fill's 5 s markout in bps (its count is the number of markouts); other horizons get the same. */
  markouts?: readonly number[];
  pnl?: Partial<VersionTelemetry['pnl']>;
  orders?: number;
  cancels?: number;
  rejects?: number;
}

function sums(values: readonly number[]) {
  let sum = 0;
  let sq = 0;
  for (const v of values) {
    sum += v;
    sq += v * v;
  }
  return { n: values.length, sum, sum_sq: sq };
}

export function syntheticVersion(v: SyntheticVersion): VersionTelemetry {
  const markouts = v.markouts ?? [];
  const m = sums(markouts);
  const makerFills = v.makerFills ?? markouts.length;
  return {
    params_version: v.version,
    lineage: v.lineage,
    elapsed_s: v.elapsedS ?? 60,
    quoted_s: v.quotedS ?? v.elapsedS ?? 60,
    maker_fills: makerFills,
    taker_fills: v.takerFills ?? 0,
    volume: (makerFills + (v.takerFills ?? 0)) * 0.1,
    orders: v.orders ?? makerFills * 2,
    cancels: v.cancels ?? makerFills,
    rejects: v.rejects ?? 0,
    pnl: { spread: 0, inventory: 0, fees: 0, taker: 0, ...v.pnl },
    markout_bps: { '1s': m, '5s': m, '30s': m, '60s': m },
    realized_spread_bps: m,
  };
}

/** A delta over `[fromMs, fromMs + 60 s)` with the given versions and inventory. */
export function syntheticDelta(
  fromMs: number,
  versions: readonly SyntheticVersion[],
  inventory: { last: number; min: number; max: number } = { last: 0, min: 0, max: 0 },
): TelemetryDelta {
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(fromMs + 60_000).toISOString(),
    versions: versions.map(syntheticVersion),
    inventory,
  };
}
