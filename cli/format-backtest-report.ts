/** A backtest report for people: the figures an operator compares between two params documents. */
import type { BacktestReport, TradingFigures } from '../engine/backtest/run-backtest.ts';
import { formatNumber } from './format-table.ts';

function bps(value: number | null): string {
  return value === null ? '-' : `${formatNumber(value, 3)} bps`;
}

function share(value: number | null): string {
  return value === null ? '-' : `${formatNumber(value * 100, 3)} %`;
}

function hours(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${formatNumber(ms / 60_000, 4)}min`;
}

/** The rows a strategy and its baseline both have, so the two columns line up. */
function figureRows(f: TradingFigures): [string, string][] {
  const p = f.pnl;
  return [
    ['P&L', `${formatNumber(p.total, 6)} (max drawdown ${formatNumber(p.max_drawdown, 4)})`],
    [
      'P&L parts',
      `spread capture ${formatNumber(p.spread_capture, 5)} · inventory ${formatNumber(p.inventory, 5)} · fees ${formatNumber(p.fees, 4)} · taker cost ${formatNumber(p.taker_cost, 4)}`,
    ],
    ['sharpe (1 min)', formatNumber(f.sharpe, 3)],
    [
      'fills',
      `${f.fills.count} (maker ${f.fills.maker}, taker ${f.fills.taker}), fill rate ${share(f.fills.fill_rate)}, volume ${formatNumber(f.fills.volume_quote, 6)} quote`,
    ],
    [
      'markouts',
      `1s ${bps(f.markouts_bps['1s'])} · 5s ${bps(f.markouts_bps['5s'])} · 30s ${bps(f.markouts_bps['30s'])} · 60s ${bps(f.markouts_bps['60s'])}`,
    ],
    [
      'markouts vs fair',
      `1s ${bps(f.markouts_fair_bps['1s'])} · 5s ${bps(f.markouts_fair_bps['5s'])} · 30s ${bps(f.markouts_fair_bps['30s'])} · 60s ${bps(f.markouts_fair_bps['60s'])}`,
    ],
    ['realized spread', bps(f.realized_spread_bps)],
    [
      'inventory',
      `mean ${formatNumber(f.inventory.mean)} · std ${formatNumber(f.inventory.std)} · max |Q| ${formatNumber(f.inventory.max_abs)} · final ${formatNumber(f.inventory.final)}`,
    ],
  ];
}

export function formatBacktestReport(r: BacktestReport): string {
  const l = r.liquidation;
  const rc = r.reconciliation;
  const rows: [string, string][] = [
    ...figureRows(r),
    [
      'orders',
      `placed ${r.orders.placed} · cancels ${r.orders.cancels} · post-only rejects ${r.orders.post_only_rejects} · cancel failures ${r.orders.cancel_failures}`,
    ],
    [
      'liquidation',
      `${l.orders} orders · ${formatNumber(l.volume, 4)} units · step / |Q| median ${share(l.median_step_fraction)} · max ${share(l.max_step_fraction)}`,
    ],
    [
      'reconciliation',
      `position off by > 1 lot for ${formatNumber(rc.mismatch_seconds, 4)} s (max ${formatNumber(rc.max_abs_mismatch, 4)}) · ${rc.corrections} corrections`,
    ],
    ['faults', `${r.faults.dropped_fills} fills lost · ${r.faults.disconnects} disconnects`],
    ['mu-hat vs next 1s', `correlation ${formatNumber(r.mu_next_1s_return_correlation, 3)}`],
    ['final mid', formatNumber(r.final_mid, 6)],
  ];
  if (r.baseline !== undefined) {
    rows.push(['', ''], ['baseline', 'fixed spread: mid ± B post-only, same size and max position, same market']);
    for (const [k, v] of figureRows(r.baseline)) rows.push([`  ${k}`, v]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  const head = `backtest ${r.scenario} · seed ${r.seed} · ${hours(r.duration_ms)} simulated · ${r.events} events (${r.book_events} book updates)`;
  return `${head}\n${rows.map(([k, v]) => (k === '' ? '' : `${k.padEnd(width)}  ${v}`)).join('\n')}\n`;
}
