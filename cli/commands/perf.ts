/**
 * `perf`: what each version (or region, or runner) did to trading over a window — fills, volume,
 * P&L with its parts, markouts, realized spread, fill rate, quote uptime, orders/cancels/rejects —
 * and the version changes in that window with who made them. `--since 2h` (default 24h) picks the
 * window; `--json` prints the edge's answer as it is.
 */
import type { Command } from 'commander';
import { PERF_GROUPINGS, type PerfAnswer, type PerfGrouping, type PerfMetrics } from '../../shared/perf.ts';
import { commandContext, type CliDeps } from '../command-context.ts';
import { formatNumber, formatTable, formatTime } from '../format-table.ts';
import { parseDuration } from '../parse-duration.ts';
import { terminalSafe } from '../terminal-safe.ts';
import { UsageError } from '../usage-error.ts';

const MAX_SINCE_MS = 90 * 86_400_000;

function parseGrouping(text: string): PerfGrouping {
  if ((PERF_GROUPINGS as readonly string[]).includes(text)) return text as PerfGrouping;
  throw new UsageError(`--by ${JSON.stringify(text)} is not accepted: expected one of ${PERF_GROUPINGS.join(', ')}`);
}

const figure = (value: number | null | undefined, digits = 4) => (value == null ? '-' : formatNumber(value, digits));
const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);

function metricCells(m: PerfMetrics): string[] {
  return [
    String(m.fills),
    figure(m.volume),
    figure(m.pnl.total),
    figure(m.pnl.spread),
    figure(m.pnl.inventory),
    figure(m.pnl.fees),
    figure(m.pnl.taker),
    figure(m.markout_bps['1s'], 3),
    figure(m.markout_bps['5s'], 3),
    figure(m.markout_bps['30s'], 3),
    figure(m.markout_bps['60s'], 3),
    figure(m.realized_spread_bps, 3),
    figure(m.fill_rate_per_min, 3),
    percent(m.quote_uptime),
    `${m.orders}/${m.cancels}/${m.rejects}`,
  ];
}

const HEADERS = [
  'FILLS',
  'VOLUME',
  'P&L',
  'SPREAD',
  'INVENTORY',
  'FEES',
  'TAKER',
  'MO 1s',
  'MO 5s',
  'MO 30s',
  'MO 60s',
  'RSPREAD',
  'FILLS/MIN',
  'UPTIME',
  'ORD/CXL/REJ',
];

export function formatPerf(answer: PerfAnswer): string {
  const window = `${formatTime(answer.from)} … ${formatTime(answer.to)}`;
  if (answer.groups.length === 0) return `${answer.set}: no trading figures between ${window}`;
  const groupHeader = answer.by === 'version' ? 'VERSION' : answer.by.toUpperCase();
  const rows = answer.groups.map((g) => [answer.by === 'version' ? `v${g.key}` : g.key, ...metricCells(g.metrics)]);
  const changes = answer.versions.map((v) =>
    terminalSafe(`  v${v.version}  ${formatTime(v.at)}  by ${v.author}: ${v.message}`, 'line'),
  );
  return [
    `${answer.set} by ${answer.by}, ${window} (P&L in quote currency, markouts and spread in bps, MO = markout)`,
    '',
    formatTable([groupHeader, ...HEADERS], rows),
    ...(changes.length > 0 ? ['versions:', ...changes] : []),
  ].join('\n');
}

export function addPerfCommand(program: Command, deps: CliDeps): void {
  program
    .command('perf')
    .description('trading figures per version, region or runner: fills, P&L parts, markouts, fill rate, uptime')
    .option('--by <grouping>', `group by ${PERF_GROUPINGS.join(' | ')}`, 'version')
    .option('--since <duration>', 'the window up to now, e.g. 30m, 2h, 7d (at most 90d)', '24h')
    .action(async (options: { by: string; since: string }, command: Command) => {
      const ctx = commandContext(command, deps);
      const by = parseGrouping(options.by);
      const sinceMs = parseDuration(options.since, '--since');
      if (sinceMs > MAX_SINCE_MS)
        throw new UsageError(`--since ${JSON.stringify(options.since)}: at most 90d (rollups are kept 90 days)`);
      const to = ctx.now();
      const answer = await ctx.client().perf(ctx.set(), { by, from: new Date(to - sinceMs), to: new Date(to) });
      if (ctx.json) return ctx.outJson(answer);
      ctx.out(formatPerf(answer));
    });
}
