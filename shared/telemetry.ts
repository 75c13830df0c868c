/**
 * Trading telemetry a runner reports per params version: the contract between the engine (which
 * measures), the runner (which exports `/metrics` and sends deltas) and the edge (which keeps rollups
 * and answers `perf` and `compare`).
 *
 * Every figure is a *delta since the runner's previous report* and additive, so the hub can sum
 * deltas into time buckets and buckets into coarser ones without losing anything: counts, sums and
 * sums of squares (for means and variances), never means or ratios. A fill counts for the version in
 * force when its order was placed, not when it filled.
 */
import { z } from 'zod';
import { LineageSchema } from './lineage.ts';

/** Markout horizons in seconds: mid (or fair price) this long after a fill, against the fill price. */
export const MARKOUT_HORIZONS_S = [1, 5, 30, 60] as const;
export type MarkoutHorizon = (typeof MARKOUT_HORIZONS_S)[number];
/** The key a horizon's markout sums are reported under: `"1s"`, `"5s"`, `"30s"`, `"60s"`. */
export type MarkoutKey = `${MarkoutHorizon}s`;
export const MARKOUT_KEYS = MARKOUT_HORIZONS_S.map((h) => `${h}s` as MarkoutKey);

/** At most this many versions in one delta (the current one and a few whose orders still fill). */
export const MAX_VERSIONS_PER_DELTA = 8;

const Count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Amount = z.number().max(1e15).min(-1e15);
const NonNegative = z.number().nonnegative().max(1e15);

/** Sufficient statistics of a sample: its size, sum and sum of squares (mean and variance follow). */
export const SampleSumsSchema = z.strictObject({
  n: Count,
  sum: Amount,
  sum_sq: NonNegative,
});
export type SampleSums = z.infer<typeof SampleSumsSchema>;

/**
 * P&L split into its parts, in quote currency; `spread + inventory + fees + taker` is the total.
 * - `spread`: edge captured against the mid at each maker fill (positive when we sold above mid).
 * - `inventory`: mark-to-market of the held position as the mid moved.
 * - `fees`: maker fees (negative) and rebates (positive).
 * - `taker`: cost of taker (liquidation) fills against the mid, fees of takers included.
 */
export const PnlPartsSchema = z.strictObject({
  spread: Amount,
  inventory: Amount,
  fees: Amount,
  taker: Amount,
});
export type PnlParts = z.infer<typeof PnlPartsSchema>;

/** One params version's activity in one reporting interval. */
export const VersionTelemetrySchema = z.strictObject({
  params_version: z.number().int().positive(),
  lineage: LineageSchema,
  /** Seconds this version was in force during the interval (0 for an older version still filling). */
  elapsed_s: NonNegative,
  /** Seconds with both a bid and an ask resting (quote uptime = quoted_s / elapsed_s). */
  quoted_s: NonNegative,
  maker_fills: Count,
  taker_fills: Count,
  /** Base units filled (maker + taker). */
  volume: NonNegative,
  orders: Count,
  cancels: Count,
  rejects: Count,
  pnl: PnlPartsSchema,
  /**
   * Markouts of maker fills in bps, signed so positive is good for us, per horizon; a fill enters a
   * horizon's sums only once that horizon has passed (so late deltas carry earlier fills' markouts).
   */
  markout_bps: z.strictObject({
    '1s': SampleSumsSchema,
    '5s': SampleSumsSchema,
    '30s': SampleSumsSchema,
    '60s': SampleSumsSchema,
  }),
  /** Realized spread of maker fills in bps (fill price against the mid just before it). */
  realized_spread_bps: SampleSumsSchema,
});
export type VersionTelemetry = z.infer<typeof VersionTelemetrySchema>;

/** What a report carries: the interval it covers, per-version figures, and the inventory range. */
export const TelemetryDeltaSchema = z.strictObject({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  versions: z.array(VersionTelemetrySchema).max(MAX_VERSIONS_PER_DELTA),
  inventory: z.strictObject({ last: Amount, min: Amount, max: Amount }),
});
export type TelemetryDelta = z.infer<typeof TelemetryDeltaSchema>;
