/**
 * Prints the table and the machine of a results file (default bench/results/latest.json) as the
 * Markdown the README's `## Numbers` section embeds, so the README shows exactly what a run printed:
 *
 *   node bench/readme-numbers.ts [--no-notes] [bench/results/<file>.json]
 *
 * `--no-notes` leaves out the lines under each row (sample sizes, windows, breakdowns), which stay in
 * the JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './bench-row.ts';
import { formatTable } from './format-table.ts';
import type { Machine } from './machine.ts';

interface ResultsFile {
  command: string;
  started_at: string;
  duration_s: number;
  machine: Machine;
  load_average_at_end: number[];
  rows: BenchRow[];
}

const args = process.argv.slice(2);
const notes = !args.includes('--no-notes');
const file = args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, 'results', 'latest.json');
const results = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
// JSON has no NaN: the writer stored null for a value that was not measured.
const rows = results.rows.map((r) => {
  const row: BenchRow = { ...r, value: r.value ?? Number.NaN };
  if (!notes) delete row.note;
  return row;
});
const m = results.machine;
const met = rows.filter((r) => r.met === true).length;
const unmet = rows.filter((r) => r.met === false);
process.stdout.write(
  [
    `Run: \`${results.command}\` at ${results.started_at.replace('T', ' ').slice(0, 16)} UTC, ${Math.round(results.duration_s)} s in all.`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; load average ${m.loadAverage.join(' / ')} at the start, ${results.load_average_at_end.join(' / ')} at the end.`,
    '',
    '```text',
    formatTable(rows),
    '```',
    '',
    `${met} targets met, ${unmet.length} not met${unmet.length ? `: ${unmet.map((r) => r.figure).join('; ')}` : ''}.`,
    '',
  ].join('\n'),
);
