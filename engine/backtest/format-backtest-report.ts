/** The human summary of a backtest report (the CLI prints it unless --json). */
import type { BacktestReport } from './run-backtest.ts';

function fixed(value: number | null, digits = 2): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

function duration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function formatBacktestReport(r: BacktestReport): string {
  const m = r.markouts_bps;
  const o = r.orders;
  return [
    `backtest  scenario=${r.scenario}  seed=${r.seed}  simulated=${duration(r.duration_ms)}  events=${r.events.toLocaleString('en-US')}`,
    `P&L       ${fixed(r.pnl.total, 4)} (after ${fixed(r.pnl.fees, 4)} fees)   max drawdown ${fixed(r.pnl.max_drawdown, 4)}`,
    `fills     ${r.fills.count} (${r.fills.maker} maker, ${r.fills.taker} taker)   volume ${fixed(r.fills.volume_quote)}`,
    `markouts  1s ${fixed(m['1s'])} bps   5s ${fixed(m['5s'])} bps   30s ${fixed(m['30s'])} bps   realized spread ${fixed(r.realized_spread_bps)} bps`,
    `inventory mean ${fixed(r.inventory.mean, 3)}   std ${fixed(r.inventory.std, 3)}   max |Q| ${fixed(r.inventory.max_abs, 3)}   final ${fixed(r.inventory.final, 3)}`,
    `orders    placed ${o.placed}   cancels ${o.cancels}   post-only rejects ${o.post_only_rejects}   failed cancels ${o.cancel_failures}   liquidation IOCs ${o.liquidation_orders}`,
    `signal    corr(μ̂, next 1 s return) = ${fixed(r.mu_next_1s_return_correlation, 3)}`,
  ].join('\n');
}
