/**
 * The Sharpe ratio a backtest reports: mean / standard deviation of the changes of a series sampled
 * at a fixed interval (the P&L each simulated minute), not annualised, so it does not depend on a
 * trading calendar and compares runs of any length. 0 when the series never changed (nothing
 * traded: no risk, no reward).
 */
export function sharpeOfChanges(series: readonly number[]): number {
  const n = series.length - 1;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += series[i]! - series[i - 1]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = 1; i <= n; i++) {
    const d = series[i]! - series[i - 1]! - mean;
    sq += d * d;
  }
  const sd = Math.sqrt(sq / (n - 1));
  return sd > 0 ? mean / sd : 0;
}
