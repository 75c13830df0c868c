/**
 * Answers of the edge's trading-figure reads, `GET /v1/sets/:set/perf` and `…/perf/compare`: what
 * each params version, region or runner did, as totals and as time series, and two versions side by
 * side with a statistical test. The edge builds them from its rollups of the runners' telemetry
 * deltas (`telemetry.ts`); the CLI and the dashboard parse them.
 *
 * Figures that cannot be computed (no fills for a markout, no time in force for a rate) are `null`,
 * never 0: "no data" and "zero" are different answers to an operator.
 */
import { z } from 'zod';
import { SetNameSchema } from './set-name.ts';

export const PERF_GROUPINGS = ['version', 'region', 'runner'] as const;
export const PerfGroupingSchema = z.enum(PERF_GROUPINGS);
export type PerfGrouping = z.infer<typeof PerfGroupingSchema>;

/** Series bucket sizes the edge accepts, by name, in seconds. */
export const PERF_BUCKETS = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '6h': 21_600, '1d': 86_400 } as const;
export type PerfBucket = keyof typeof PERF_BUCKETS;

/** Rollup resolutions and how long each is kept (DESIGN "Storage"). */
export const PERF_RETENTION = { minute_hours: 48, hour_days: 90 } as const;

const Figure = z.number().nullable();
const Count = z.number().int().nonnegative();

/** The figures of one group (and one bucket of its series). */
export const PerfMetricsSchema = z.object({
  /** Seconds the version(s) were in force on the runners counted (summed over runners). */
  elapsed_s: z.number().nonnegative(),
  fills: Count,
  maker_fills: Count,
  taker_fills: Count,
  /** Base units filled. */
  volume: z.number().nonnegative(),
  /** Quote currency; `total` is the sum of the four parts. */
  pnl: z.object({ spread: z.number(), inventory: z.number(), fees: z.number(), taker: z.number(), total: z.number() }),
  /** Mean markout of maker fills in bps (positive is good for us), per horizon; null without fills. */
  markout_bps: z.object({ '1s': Figure, '5s': Figure, '30s': Figure, '60s': Figure }),
  /** Fills that entered each horizon's mean. */
  markout_fills: z.object({ '1s': Count, '5s': Count, '30s': Count, '60s': Count }),
  /** Mean realized spread of maker fills in bps. */
  realized_spread_bps: Figure,
  /** Fills per minute in force. */
  fill_rate_per_min: Figure,
  /** Share of the time in force with both sides quoted, 0..1. */
  quote_uptime: Figure,
  orders: Count,
  cancels: Count,
  rejects: Count,
  /**
   * Inventory in base units: the sum of each runner's last reported position in the bucket, and
   * the lowest and highest any of them reported. Null when no runner reported one.
   */
  inventory: z.object({ last: z.number(), min: z.number(), max: z.number() }).nullable(),
});
export type PerfMetrics = z.infer<typeof PerfMetricsSchema>;

export const PerfPointSchema = z.object({ at: z.iso.datetime(), metrics: PerfMetricsSchema });
export type PerfPoint = z.infer<typeof PerfPointSchema>;

export const PerfGroupSchema = z.object({
  /** The version number (as text), the region or the runner id. */
  key: z.string().max(200),
  metrics: PerfMetricsSchema,
  /** Oldest first; only with `bucket`; buckets without data are left out. */
  series: z.array(PerfPointSchema).optional(),
});
export type PerfGroup = z.infer<typeof PerfGroupSchema>;

/** A version change, for charts to mark and tables to name. */
export const VersionMarkSchema = z.object({
  version: z.number().int().positive(),
  at: z.iso.datetime(),
  author: z.string().max(1000),
  message: z.string().max(2000),
  kind: z.string().max(20),
});
export type VersionMark = z.infer<typeof VersionMarkSchema>;

export const PerfAnswerSchema = z.object({
  set: SetNameSchema,
  by: PerfGroupingSchema,
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** Seconds per series point, or null when no series was asked for. */
  bucket_s: z.number().int().positive().nullable(),
  groups: z.array(PerfGroupSchema),
  /** Versions created between `from` and `to`, oldest first, and those the groups name. */
  versions: z.array(VersionMarkSchema),
  /** What the rollups keep: minute buckets for 48 h, hourly for 90 days; rows evicted at the size cap. */
  retention: z.object({
    minute_hours: z.number(),
    hour_days: z.number(),
    rows: z.number().int().nonnegative(),
    max_rows: z.number().int().positive(),
    evicted_rows: z.number().int().nonnegative(),
  }),
});
export type PerfAnswer = z.infer<typeof PerfAnswerSchema>;

/** Metrics `compare` tests, each from per-runner-minute figures. */
export const COMPARE_METRICS = {
  pnl_per_min: { unit: 'quote/min', better: 'higher', label: 'P&L per minute' },
  spread_pnl_per_min: { unit: 'quote/min', better: 'higher', label: 'spread capture per minute' },
  inventory_pnl_per_min: { unit: 'quote/min', better: 'higher', label: 'inventory P&L per minute' },
  fees_per_min: { unit: 'quote/min', better: 'higher', label: 'fees and rebates per minute' },
  taker_pnl_per_min: { unit: 'quote/min', better: 'higher', label: 'taker cost per minute' },
  markout_1s_bps: { unit: 'bps', better: 'higher', label: 'markout 1 s' },
  markout_5s_bps: { unit: 'bps', better: 'higher', label: 'markout 5 s' },
  markout_30s_bps: { unit: 'bps', better: 'higher', label: 'markout 30 s' },
  markout_60s_bps: { unit: 'bps', better: 'higher', label: 'markout 60 s' },
  realized_spread_bps: { unit: 'bps', better: 'higher', label: 'realized spread' },
  fill_rate_per_min: { unit: 'fills/min', better: null, label: 'fill rate' },
  volume_per_min: { unit: 'base/min', better: null, label: 'volume per minute' },
  quote_uptime: { unit: 'share', better: 'higher', label: 'quote uptime' },
  orders_per_min: { unit: 'orders/min', better: null, label: 'orders per minute' },
  cancels_per_min: { unit: 'cancels/min', better: null, label: 'cancels per minute' },
  rejects_per_min: { unit: 'rejects/min', better: 'lower', label: 'rejects per minute' },
} as const satisfies Record<string, { unit: string; better: 'higher' | 'lower' | null; label: string }>;
export type CompareMetric = keyof typeof COMPARE_METRICS;
export const COMPARE_METRIC_NAMES = Object.keys(COMPARE_METRICS) as CompareMetric[];

/** At least this many runner-minutes per version before `compare` tests a metric. */
export const MIN_COMPARE_SAMPLES = 5;

const SideSchema = z.object({
  /** The figure over all the version's data (sums pooled, then divided). */
  value: Figure,
  /** Runner-minutes with a figure (the sample of the test). */
  n: Count,
  /** Mean and standard deviation of the per-runner-minute figures. */
  mean: Figure,
  sd: Figure,
});

export const CompareVerdictSchema = z.enum(['higher', 'lower', 'no_clear_difference', 'too_little_data']);
export type CompareVerdict = z.infer<typeof CompareVerdictSchema>;

export const CompareMetricResultSchema = z.object({
  metric: z.string(),
  label: z.string(),
  unit: z.string(),
  /** Which way is better for us, when one is (null: neither, e.g. more orders). */
  better: z.enum(['higher', 'lower']).nullable(),
  a: SideSchema,
  b: SideSchema,
  /** b − a of the per-minute means, with its 95 % confidence interval; null with too little data. */
  difference: z
    .object({
      estimate: z.number(),
      ci95: z.object({ low: z.number(), high: z.number() }),
      t: z.number(),
      df: z.number(),
      p_value: z.number(),
    })
    .nullable(),
  /** b against a: `higher`/`lower` when the interval excludes 0. */
  verdict: CompareVerdictSchema,
  /** The verdict in words, sample sizes included ("too little data: v8 has 3 runner-minutes…"). */
  summary: z.string(),
});
export type CompareMetricResult = z.infer<typeof CompareMetricResultSchema>;

const CompareSideSchema = z.object({
  version: z.number().int().positive(),
  created_at: z.iso.datetime().nullable(),
  author: z.string().nullable(),
  message: z.string().nullable(),
  /** Runner-minutes of minute buckets the version has (the test's population). */
  runner_minutes: Count,
  runners: Count,
});

export const CompareAnswerSchema = z.object({
  set: SetNameSchema,
  a: CompareSideSchema,
  b: CompareSideSchema,
  test: z.object({
    name: z.string(),
    observation: z.string(),
    confidence: z.number(),
    min_samples: z.number().int(),
  }),
  metrics: z.array(CompareMetricResultSchema),
});
export type CompareAnswer = z.infer<typeof CompareAnswerSchema>;
