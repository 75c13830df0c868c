/**
 * Two consecutive telemetry deltas as one: what a runner sends when the edge did not take the
 * first (a failed or refused report), so that no fill is lost to a network blip. Everything in a
 * delta is additive (counts, sums, sums of squares), so merging is adding per version; the interval
 * runs from the first's `from` to the second's `to`, and the inventory range covers both.
 *
 * Bounded: at most MAX_VERSIONS_PER_DELTA versions (the lowest numbers are dropped first — they
 * are the oldest and the least likely to still matter); `dropped` says how many were.
 */
import {
  MARKOUT_KEYS,
  MAX_VERSIONS_PER_DELTA,
  type SampleSums,
  type TelemetryDelta,
  type VersionTelemetry,
} from '../../shared/telemetry.ts';

const addSums = (a: SampleSums, b: SampleSums): SampleSums => ({ n: a.n + b.n, sum: a.sum + b.sum, sum_sq: a.sum_sq + b.sum_sq });

function addVersion(a: VersionTelemetry, b: VersionTelemetry): VersionTelemetry {
  const markouts = { ...a.markout_bps };
  for (const key of MARKOUT_KEYS) markouts[key] = addSums(a.markout_bps[key], b.markout_bps[key]);
  return {
    params_version: a.params_version,
    lineage: a.lineage,
    elapsed_s: a.elapsed_s + b.elapsed_s,
    quoted_s: a.quoted_s + b.quoted_s,
    maker_fills: a.maker_fills + b.maker_fills,
    taker_fills: a.taker_fills + b.taker_fills,
    volume: a.volume + b.volume,
    orders: a.orders + b.orders,
    cancels: a.cancels + b.cancels,
    rejects: a.rejects + b.rejects,
    pnl: {
      spread: a.pnl.spread + b.pnl.spread,
      inventory: a.pnl.inventory + b.pnl.inventory,
      fees: a.pnl.fees + b.pnl.fees,
      taker: a.pnl.taker + b.pnl.taker,
    },
    markout_bps: markouts,
    realized_spread_bps: addSums(a.realized_spread_bps, b.realized_spread_bps),
  };
}

export interface MergedDelta {
  delta: TelemetryDelta;
  /** Versions left out to stay within MAX_VERSIONS_PER_DELTA. */
  dropped: number;
}

/** `earlier` then `later` as one delta. A version is one (number, lineage) pair. */
export function mergeTelemetryDeltas(earlier: TelemetryDelta, later: TelemetryDelta): MergedDelta {
  const byKey = new Map<string, VersionTelemetry>();
  for (const v of [...earlier.versions, ...later.versions]) {
    const key = `${v.lineage}:${v.params_version}`;
    const seen = byKey.get(key);
    byKey.set(key, seen === undefined ? v : addVersion(seen, v));
  }
  const all = [...byKey.values()].sort((a, b) => a.params_version - b.params_version);
  const dropped = Math.max(0, all.length - MAX_VERSIONS_PER_DELTA);
  return {
    delta: {
      from: earlier.from,
      to: later.to,
      versions: all.slice(dropped),
      inventory: {
        last: later.inventory.last,
        min: Math.min(earlier.inventory.min, later.inventory.min),
        max: Math.max(earlier.inventory.max, later.inventory.max),
      },
    },
    dropped,
  };
}
