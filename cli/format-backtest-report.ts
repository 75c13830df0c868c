/** A backtest report for people: the figures an operator compares between two params documents. */
import type { BacktestReport } from '../engine/backtest/run-backtest.ts';
import { formatNumber } from './format-table.ts';

function bps(value: number | null): string {
  return value === null ? '-' : `${formatNumber(value, 3)} bps`;
}

function hours(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${formatNumber(ms / 60_000, 4)}min`;
}

export function formatBacktestReport(r: BacktestReport): string {
  const rows: [string, string][] = [
    [
      'P&L',
      `${formatNumber(r.pnl.total, 6)} (fees ${formatNumber(r.pnl.fees, 4)}, max drawdown ${formatNumber(r.pnl.max_drawdown, 4)})`,
    ],
    [
      'fills',
      `${r.fills.count} (maker ${r.fills.maker}, taker ${r.fills.taker}), volume ${formatNumber(r.fills.volume_quote, 6)} quote`,
    ],
    ['markouts', `1s ${bps(r.markouts_bps['1s'])} · 5s ${bps(r.markouts_bps['5s'])} · 30s ${bps(r.markouts_bps['30s'])}`],
    ['realized spread', bps(r.realized_spread_bps)],
    [
      'inventory',
      `mean ${formatNumber(r.inventory.mean)} · std ${formatNumber(r.inventory.std)} · max |Q| ${formatNumber(r.inventory.max_abs)} · final ${formatNumber(r.inventory.final)}`,
    ],
    [
      'orders',
      `placed ${r.orders.placed} · cancels ${r.orders.cancels} · post-only rejects ${r.orders.post_only_rejects} · cancel failures ${r.orders.cancel_failures} · liquidations ${r.orders.liquidation_orders}`,
    ],
    ['mu-hat vs next 1s', `correlation ${formatNumber(r.mu_next_1s_return_correlation, 3)}`],
    ['final mid', formatNumber(r.final_mid, 6)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const head = `backtest ${r.scenario} · seed ${r.seed} · ${hours(r.duration_ms)} simulated · ${r.events} events (${r.book_events} book updates)`;
  return `${head}\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
