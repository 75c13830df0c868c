/** Plain aligned text tables for people; `--json` is the format for scripts. */
import { terminalSafe } from './terminal-safe.ts';

/** Every cell is one line: a newline or an escape sequence in a value cannot forge a row or move the cursor. */
export function formatTable(headers: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((row) => row.map((cell) => terminalSafe(cell, 'line')));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** `2026-11-24 15:04:05Z`: a timestamp to the second, readable and sortable. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `42s`, `7m`, `3h`, `2d`: an age in the coarsest unit that still says something. */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, seconds);
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/**
 * A figure for people, the one number format of the CLI and the bench tables: `-` when absent.
 * - `digits` (a number, 4 by default): compact, for a line of text; whole numbers as they are,
 *   others to `digits` significant digits with trailing zeros dropped.
 * - `'column'`: for a column of figures of very different sizes (the bench table): `n/a` for NaN,
 *   `∞`, whole numbers and anything from 1,000 up rounded and grouped in thousands, then 3
 *   significant digits down to 1 and 2 below, trailing zeros kept so decimals line up.
 */
export function formatNumber(value: number | null | undefined, digits: number | 'column' = 4): string {
  if (value == null) return '-';
  if (digits !== 'column') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(digits)));
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  if (Number.isInteger(value) || abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}
