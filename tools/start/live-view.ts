/**
 * The terminal view of `npm start`: one row per runner with what an operator watches while tuning
 * (applied version, sync state, market, quotes, inventory, fills, 5 s markout, P&L with its unit). `renderView` is pure so it can be
 * tested; the caller redraws it in place (log-update) on a TTY, or prints it now and then otherwise.
 * Runner ids, regions, states and modes come from the runners' `/status`: every cell goes through
 * the CLI's `terminalSafe`, so none can clear the screen or add a line to the view.
 */
import { terminalSafe } from '../../cli/terminal-safe.ts';

/** What the view needs from a runner's `GET /status` (fields it lacks are shown as "—"). */
export interface RunnerRow {
  runner_id: string;
  region: string;
  version: number | null;
  sync_state: string;
  trading?:
    | {
        mid?: number | null;
        bid?: number | null;
        ask?: number | null;
        inventory?: number;
        pnl?: number;
        pnl_unit?: string;
        fills?: number;
        markout_5s_bps?: number | null;
        mode?: string;
      }
    | undefined;
  /** Set by the supervisor when the runner's status endpoint does not answer. */
  unreachable?: string;
}

export interface ViewHeader {
  set: string;
  edgeUrl: string;
  dashboardUrl: string;
  writeToken: string;
  headVersion: number | null;
}

const COLUMNS = [
  'runner',
  'region',
  'version',
  'sync',
  'mode',
  'mid',
  'bid',
  'ask',
  'inventory',
  'fills',
  'mo 5s bps',
  'P&L',
] as const;

function fixed(value: number | null | undefined, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
}

function cells(row: RunnerRow): string[] {
  const t = row.trading ?? {};
  if (row.unreachable) return [row.runner_id, row.region, '—', `down: ${row.unreachable}`, ...COLUMNS.slice(4).map(() => '—')];
  const pnl = fixed(t.pnl, 2);
  return [
    row.runner_id,
    row.region,
    row.version === null ? '—' : `v${row.version}`,
    row.sync_state,
    t.mode ?? '—',
    fixed(t.mid, 3),
    fixed(t.bid, 3),
    fixed(t.ask, 3),
    fixed(t.inventory, 2),
    typeof t.fills === 'number' ? String(t.fills) : '—',
    fixed(t.markout_5s_bps, 2),
    pnl === '—' || t.pnl_unit === undefined ? pnl : `${pnl} ${t.pnl_unit}`,
  ];
}

/** A plain-text table (no colours, so it reads the same in a log file). */
export function renderTable(rows: RunnerRow[]): string {
  const body = rows.map((row) => cells(row).map((cell) => terminalSafe(cell, 'line')));
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i >= 5 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), line(widths.map((w) => '─'.repeat(w))), ...body.map(line)].join('\n');
}

export function renderView(header: ViewHeader, rows: RunnerRow[], now: Date = new Date()): string {
  const view = [
    `livetune · set ${header.set} · head ${header.headVersion === null ? '—' : `v${header.headVersion}`} · ${now.toISOString().slice(11, 19)} UTC`,
    `dashboard  ${header.dashboardUrl}   (write token: ${header.writeToken})`,
    `CLI        LIVETUNE_URL=${header.edgeUrl} LIVETUNE_TOKEN=<write token> npx livetune set base_half_spread_bps=7 -m "why" --set ${header.set}`,
    '',
    renderTable(rows),
    '',
    'Ctrl-C stops everything (runners cancel their orders first).',
  ].join('\n');
  return terminalSafe(view, 'text');
}
