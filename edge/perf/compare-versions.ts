/**
 * Two versions side by side (`GET …/perf/compare`): each metric over each version's whole data,
 * and the difference b − a tested with Welch's t on per-runner-minute figures (one observation per
 * runner and minute bucket the version had; hourly rows, older than 48 h, are not observations).
 * With fewer than `MIN_COMPARE_SAMPLES` observations on a side, or none with any spread, the answer
 * says there is too little data instead of a verdict.
 */
import {
  COMPARE_METRIC_NAMES,
  COMPARE_METRICS,
  type CompareMetric,
  type CompareMetricResult,
  MIN_COMPARE_SAMPLES,
} from '../../shared/perf.ts';
import { compareFigure } from './perf-metrics.ts';
import type { RollupSums } from './rollup-sums.ts';
import { summarize, welchTest } from './welch-test.ts';

export const CONFIDENCE = 0.95;

export interface VersionSample {
  version: number;
  /** All the version's sums. */
  total: RollupSums;
  /** One entry per runner-minute. */
  minutes: RollupSums[];
  runners: number;
}

/** A version as the comparison needs it (`PerfRollups.versionRows`). */
export function versionSample(
  version: number,
  { total, runners, minutes }: { total: RollupSums; runners: number; minutes: RollupSums[] },
): VersionSample {
  return { version, total, minutes, runners };
}

const round = (x: number) => Number(x.toPrecision(6));

function side(metric: CompareMetric, sample: VersionSample) {
  const figures = sample.minutes.flatMap((m) => {
    const f = compareFigure(metric, m);
    return f === null ? [] : [f];
  });
  const summary = summarize(figures);
  return {
    figures,
    summary,
    out: {
      value: compareFigure(metric, sample.total),
      n: figures.length,
      mean: summary ? summary.mean : figures.length === 1 ? figures[0]! : null,
      sd: summary ? Math.sqrt(summary.variance) : null,
    },
  };
}

export function compareMetric(metric: CompareMetric, a: VersionSample, b: VersionSample): CompareMetricResult {
  const { unit, better, label } = COMPARE_METRICS[metric];
  const sa = side(metric, a);
  const sb = side(metric, b);
  const base = { metric, label, unit, better, a: sa.out, b: sb.out };
  const few = [sa.figures.length < MIN_COMPARE_SAMPLES ? a : null, sb.figures.length < MIN_COMPARE_SAMPLES ? b : null]
    .filter((s) => s !== null)
    .map((s) => `v${s.version} has ${s === a ? sa.figures.length : sb.figures.length} runner-minutes with a figure`);
  if (few.length > 0 || sa.summary === undefined || sb.summary === undefined)
    return {
      ...base,
      difference: null,
      verdict: 'too_little_data',
      summary: `too little data to tell: ${few.join(', ')} (at least ${MIN_COMPARE_SAMPLES} per version are needed)`,
    };
  const test = welchTest(sa.summary, sb.summary, CONFIDENCE);
  if (test === undefined)
    return {
      ...base,
      difference: null,
      verdict: 'too_little_data',
      summary: `too little data to tell: every runner-minute of both versions has the same figure (no spread to test)`,
    };
  const verdict = test.low > 0 ? 'higher' : test.high < 0 ? 'lower' : 'no_clear_difference';
  const interval = `${round(test.estimate)} ${unit} (95 % CI ${round(test.low)} to ${round(test.high)}; n = ${sa.figures.length} vs ${sb.figures.length} runner-minutes)`;
  const words =
    verdict === 'no_clear_difference'
      ? `no clear difference: v${b.version} − v${a.version} = ${interval}`
      : `v${b.version} is ${verdict} than v${a.version} by ${interval}`;
  return {
    ...base,
    difference: {
      estimate: test.estimate,
      ci95: { low: test.low, high: test.high },
      t: test.t,
      df: test.df,
      p_value: test.pValue,
    },
    verdict,
    summary: words,
  };
}

export function compareVersions(a: VersionSample, b: VersionSample): CompareMetricResult[] {
  return COMPARE_METRIC_NAMES.map((metric) => compareMetric(metric, a, b));
}
