/**
 * One params version's running totals since the engine started, in a flat Float64Array so that a
 * report's delta is one subtraction per slot (totals now − totals at the previous report) and the
 * hot path never allocates. The layout mirrors `VersionTelemetry` of `shared/telemetry.ts`.
 */
import { MARKOUT_KEYS, type MarkoutKey, type SampleSums, type VersionTelemetry } from '../../shared/telemetry.ts';

export const ELAPSED_MS = 0;
export const QUOTED_MS = 1;
export const MAKER_FILLS = 2;
export const TAKER_FILLS = 3;
export const VOLUME = 4;
export const ORDERS = 5;
export const CANCELS = 6;
export const REJECTS = 7;
export const PNL_SPREAD = 8;
export const PNL_INVENTORY = 9;
export const PNL_FEES = 10;
export const PNL_TAKER = 11;
/** First slot of the markout sums: horizon `h` (index into MARKOUT_KEYS) at `MARKOUT + 3h` (n, sum, sum_sq). */
export const MARKOUT = 12;
export const REALIZED_SPREAD = MARKOUT + 3 * MARKOUT_KEYS.length;
export const SLOTS = REALIZED_SPREAD + 3;

export class VersionStats {
  readonly version: number | null;
  readonly lineage: string | null;
  /** Totals since the engine started. */
  readonly total = new Float64Array(SLOTS);
  /** `total` as it was at the last `takeDelta`. */
  readonly reported = new Float64Array(SLOTS);
  /** Recorder sequence number of the last event that touched this version (eviction order). */
  lastTouched = 0;

  constructor(version: number | null, lineage: string | null) {
    this.version = version;
    this.lineage = lineage;
  }

  /** Adds one sample to the (n, sum, sum_sq) triple at `slot`. */
  sample(slot: number, value: number): void {
    const t = this.total;
    t[slot]! += 1;
    t[slot + 1]! += value;
    t[slot + 2]! += value * value;
  }

  /** True when nothing happened since the last report (no time, no event). */
  idleSinceReport(): boolean {
    for (let i = 0; i < SLOTS; i++) if (this.total[i] !== this.reported[i]) return false;
    return true;
  }

  /**
   * What happened since the last report, as the contract's shape, and marks it reported. Only for a
   * version with an edge number and lineage (the contract has no place for unversioned params).
   */
  takeDelta(): VersionTelemetry {
    const d = new Float64Array(SLOTS);
    for (let i = 0; i < SLOTS; i++) d[i] = this.total[i]! - this.reported[i]!;
    this.reported.set(this.total);
    return toTelemetry(this.version ?? 0, this.lineage ?? '', d);
  }

  /** The totals since start, in the contract's shape (for /metrics and tests). */
  totals(): VersionTelemetry {
    return toTelemetry(this.version ?? 0, this.lineage ?? '', this.total);
  }
}

/** Counts come out of float subtraction exact (they are integers far below 2^53). */
const count = (x: number) => Math.max(0, Math.round(x));
/** Sums of squares differ by rounding when subtracted: never below zero. */
const nonNegative = (x: number) => Math.max(0, x);

function sums(a: Float64Array, slot: number): SampleSums {
  return { n: count(a[slot]!), sum: a[slot + 1]!, sum_sq: nonNegative(a[slot + 2]!) };
}

function toTelemetry(version: number, lineage: string, a: Float64Array): VersionTelemetry {
  const markouts = {} as Record<MarkoutKey, SampleSums>;
  MARKOUT_KEYS.forEach((key, h) => {
    markouts[key] = sums(a, MARKOUT + 3 * h);
  });
  return {
    params_version: version,
    lineage,
    elapsed_s: nonNegative(a[ELAPSED_MS]! / 1000),
    quoted_s: nonNegative(a[QUOTED_MS]! / 1000),
    maker_fills: count(a[MAKER_FILLS]!),
    taker_fills: count(a[TAKER_FILLS]!),
    volume: nonNegative(a[VOLUME]!),
    orders: count(a[ORDERS]!),
    cancels: count(a[CANCELS]!),
    rejects: count(a[REJECTS]!),
    pnl: { spread: a[PNL_SPREAD]!, inventory: a[PNL_INVENTORY]!, fees: a[PNL_FEES]!, taker: a[PNL_TAKER]! },
    markout_bps: markouts as VersionTelemetry['markout_bps'],
    realized_spread_bps: sums(a, REALIZED_SPREAD),
  };
}
