/**
 * The results table printed at the end of `npm run bench`: plain text, fixed-width columns, so it
 * reads the same in a terminal, a CI log and the README (which embeds it in a code block).
 */
import { formatNumber } from '../cli/format-table.ts';
import type { BenchRow, Target } from './bench-row.ts';

/** A figure in the table (the CLI's one number format, column style). */
function cell(value: number): string {
  return formatNumber(value, 'column');
}

export function formatTarget(target: Target | null, unit: string): string {
  if (!target) return '';
  return `${target.op} ${cell(target.value)}${unit ? ` ${unit}` : ''}`;
}

function formatRatio(ratio: number | null): string {
  if (ratio === null) return '';
  return `${cell(ratio)}×`;
}

function formatMet(met: boolean | null): string {
  if (met === null) return '';
  return met ? 'yes' : 'NO';
}

const HEADERS = ['figure', 'value', 'baseline', 'ratio', 'target', 'met'] as const;

/** The cells of one row, in the order of `HEADERS`. */
export function rowCells(row: BenchRow): string[] {
  const unit = row.unit ? ` ${row.unit}` : '';
  const baseline =
    row.baseline === null ? '' : `${cell(row.baseline)}${unit}${row.baselineLabel ? ` (${row.baselineLabel})` : ''}`;
  return [
    row.figure,
    `${cell(row.value)}${unit}`,
    baseline,
    formatRatio(row.ratio),
    formatTarget(row.target, row.unit),
    formatMet(row.met),
  ];
}

/** Renders `rows` as an aligned text table, grouped under a line per bench. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map(rowCells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === 1 || i === 3 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  ')];
  let bench: string | undefined;
  rows.forEach((row, i) => {
    if (row.bench !== bench) {
      bench = row.bench;
      out.push(`[${bench}]`);
    }
    out.push(line(cells[i]!));
    if (row.note) out.push(`  ↳ ${row.note}`);
  });
  return out.join('\n');
}
