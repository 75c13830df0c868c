/**
 * Welch's two-sample t-test (unequal variances): the difference of two means with its confidence
 * interval, the Welch–Satterthwaite degrees of freedom and a two-sided p-value. Student's t
 * distribution comes from jStat (a solved problem; not written here).
 */
import jStat from 'jstat';

export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample variance (n − 1 in the denominator). */
  variance: number;
}

export interface WelchResult {
  /** mean(b) − mean(a). */
  estimate: number;
  low: number;
  high: number;
  t: number;
  df: number;
  pValue: number;
}

/** Size, mean and sample variance (two-pass, for accuracy); undefined with fewer than 2 values. */
export function summarize(values: readonly number[]): SampleSummary | undefined {
  const n = values.length;
  if (n < 2) return undefined;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { n, mean, variance: sq / (n - 1) };
}

/**
 * b against a at `confidence` (0.95). Undefined when the test has nothing to say: both samples
 * without any spread (the standard error is 0, and t is not defined).
 */
export function welchTest(a: SampleSummary, b: SampleSummary, confidence = 0.95): WelchResult | undefined {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  if (!(se2 > 0)) return undefined;
  const se = Math.sqrt(se2);
  const df = se2 ** 2 / ((va > 0 ? va ** 2 / (a.n - 1) : 0) + (vb > 0 ? vb ** 2 / (b.n - 1) : 0));
  const estimate = b.mean - a.mean;
  const t = estimate / se;
  const critical = jStat.studentt.inv(1 - (1 - confidence) / 2, df);
  const pValue = Math.min(1, 2 * (1 - jStat.studentt.cdf(Math.abs(t), df)));
  return { estimate, low: estimate - critical * se, high: estimate + critical * se, t, df, pValue };
}
