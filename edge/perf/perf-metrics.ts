/**
 * From rollup sums to the figures an operator reads (`PerfMetrics`) and to the per-minute figures
 * `compare` tests (`compareFigure`): means from sums, rates per minute in force, shares of time.
 * A figure whose denominator is zero is null ("no data"), never 0.
 */
import type { CompareMetric, PerfMetrics } from '../../shared/perf.ts';
import type { RollupSums } from './rollup-sums.ts';

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** P&L total: the parts add up to it by construction (`telemetry.ts`). */
function pnlTotal(s: RollupSums): number {
  return s.pnl_spread + s.pnl_inventory + s.pnl_fees + s.pnl_taker;
}

export function perfMetricsOf(s: RollupSums, inventory: { last: number; min: number; max: number } | null): PerfMetrics {
  const minutes = s.elapsed_s / 60;
  const fills = s.maker_fills + s.taker_fills;
  return {
    elapsed_s: s.elapsed_s,
    fills,
    maker_fills: s.maker_fills,
    taker_fills: s.taker_fills,
    volume: s.volume,
    pnl: { spread: s.pnl_spread, inventory: s.pnl_inventory, fees: s.pnl_fees, taker: s.pnl_taker, total: pnlTotal(s) },
    markout_bps: {
      '1s': ratio(s.m1_sum, s.m1_n),
      '5s': ratio(s.m5_sum, s.m5_n),
      '30s': ratio(s.m30_sum, s.m30_n),
      '60s': ratio(s.m60_sum, s.m60_n),
    },
    markout_fills: { '1s': s.m1_n, '5s': s.m5_n, '30s': s.m30_n, '60s': s.m60_n },
    realized_spread_bps: ratio(s.rs_sum, s.rs_n),
    fill_rate_per_min: ratio(fills, minutes),
    quote_uptime: s.elapsed_s > 0 ? Math.min(1, s.quoted_s / s.elapsed_s) : null,
    orders: s.orders,
    cancels: s.cancels,
    rejects: s.rejects,
    inventory: inventory === null ? null : { last: inventory.last, min: inventory.min, max: inventory.max },
  };
}

/**
 * One `compare` metric from sums: over a version's whole data (its value) or over one runner-minute
 * (one observation of the test). Rates are per minute *in force*, so a minute the version held for
 * 20 s weighs like a full one.
 */
export function compareFigure(metric: CompareMetric, s: RollupSums): number | null {
  const minutes = s.elapsed_s / 60;
  switch (metric) {
    case 'pnl_per_min':
      return ratio(pnlTotal(s), minutes);
    case 'spread_pnl_per_min':
      return ratio(s.pnl_spread, minutes);
    case 'inventory_pnl_per_min':
      return ratio(s.pnl_inventory, minutes);
    case 'fees_per_min':
      return ratio(s.pnl_fees, minutes);
    case 'taker_pnl_per_min':
      return ratio(s.pnl_taker, minutes);
    case 'markout_1s_bps':
      return ratio(s.m1_sum, s.m1_n);
    case 'markout_5s_bps':
      return ratio(s.m5_sum, s.m5_n);
    case 'markout_30s_bps':
      return ratio(s.m30_sum, s.m30_n);
    case 'markout_60s_bps':
      return ratio(s.m60_sum, s.m60_n);
    case 'realized_spread_bps':
      return ratio(s.rs_sum, s.rs_n);
    case 'fill_rate_per_min':
      return ratio(s.maker_fills + s.taker_fills, minutes);
    case 'volume_per_min':
      return ratio(s.volume, minutes);
    case 'quote_uptime':
      return s.elapsed_s > 0 ? Math.min(1, s.quoted_s / s.elapsed_s) : null;
    case 'orders_per_min':
      return ratio(s.orders, minutes);
    case 'cancels_per_min':
      return ratio(s.cancels, minutes);
    case 'rejects_per_min':
      return ratio(s.rejects, minutes);
  }
}
