/**
 * `npm run bench`: every livetune benchmark in one command, each figure measured side by side with
 * its baseline in the same run. Prints the machine, a progress line per step (stderr) and the table
 * (stdout); writes `bench/results/<timestamp>.json` and, for a full run, `bench/results/latest.json`.
 *
 *   npm run bench                      # everything (< 5 minutes on 2 cores)
 *   npm run bench -- --quick           # smaller sizes, a smoke run
 *   npm run bench -- --only engine,params-read
 *
 * Every process started (wrangler dev, runners) is killed by pid on the way out, also on errors and
 * Ctrl-C; a watchdog stops the run at the 5-minute cap.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Bench, BenchContext } from './bench-context.ts';
import { makeRow, type BenchRow } from './bench-row.ts';
import { formatTable } from './format-table.ts';
import { describeMachine, formatMachine } from './machine.ts';
import { BENCHES } from './registry.ts';
import { cleanupAll, installSignalHandlers } from '../tools/process-registry.ts';

const HARD_CAP_MS = 300_000;
const RESULTS_DIR = join(import.meta.dirname, 'results');

function usage(): string {
  const names = BENCHES.map((b) => `  ${b.name.padEnd(16)} ${b.description}`).join('\n');
  return `usage: npm run bench -- [--quick] [--only <name,…>]\n\nbenchmarks, in run order:\n${names}\n`;
}

function parseFlags(argv: string[]): { quick: boolean; only: string[] | null } {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(usage());
    process.exit(0);
  }
  const only = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  const known = new Set(BENCHES.map((b) => b.name));
  const unknown = (only ?? []).filter((n) => !known.has(n));
  if (unknown.length) {
    process.stderr.write(
      `--only: unknown benchmark ${unknown.map((n) => JSON.stringify(n)).join(', ')}; accepted: ${[...known].join(', ')}\n`,
    );
    process.exit(2);
  }
  return { quick: values.quick ?? false, only };
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

async function main(): Promise<void> {
  const { quick, only } = parseFlags(process.argv.slice(2));
  installSignalHandlers();
  const started = new Date();
  const t0 = performance.now();
  const machine = describeMachine();
  const log = (line: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
  process.stdout.write(
    `livetune bench${quick ? ' --quick' : ''}${only ? ` --only ${only.join(',')}` : ''}\n${formatMachine(machine)}\n\n`,
  );

  const watchdog = setTimeout(() => {
    process.stderr.write(`\nthe run passed the ${HARD_CAP_MS / 1000} s cap: stopping every process and exiting\n`);
    void cleanupAll(5_000).finally(() => process.exit(3));
  }, HARD_CAP_MS);
  watchdog.unref();

  const resources = new Map<string, Promise<unknown>>();
  const selected: Bench[] = BENCHES.filter((b) => !only || only.includes(b.name));
  const rows: BenchRow[] = [];
  const timings: Record<string, number> = {};
  const errors: { bench: string; error: string }[] = [];
  // CPU-only benchmarks wait for an idle window to run in (idle-fleet's); without one, they go first.
  const hasIdleWindow = selected.some((b) => b.name === 'idle-fleet');
  let deferred = hasIdleWindow ? selected.filter((b) => b.inIdleWindow) : [];

  const ctx: BenchContext = {
    quick,
    log,
    shared<T>(key: string, start: () => Promise<T>): Promise<T> {
      let resource = resources.get(key) as Promise<T> | undefined;
      if (!resource) {
        resource = start();
        resources.set(key, resource);
      }
      return resource;
    },
    async idle(ms: number): Promise<void> {
      const until = performance.now() + ms;
      const pending = deferred;
      deferred = [];
      if (pending.length)
        log(`idle window of ${(ms / 1000).toFixed(0)} s: running ${pending.map((b) => b.name).join(', ')} in it`);
      for (const bench of pending) await runOne(bench);
      const left = until - performance.now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    },
  };

  async function runOne(bench: Bench): Promise<void> {
    const b0 = performance.now();
    log(`${bench.name}: ${bench.description}`);
    try {
      rows.push(...(await bench.run(ctx)));
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push({ bench: bench.name, error: message });
      log(`${bench.name} FAILED: ${message}`);
      rows.push(
        makeRow(bench.name, {
          figure: 'not measured (error)',
          value: Number.NaN,
          unit: '',
          note: (error instanceof Error ? error.message : String(error)).split('\n')[0]!,
        }),
      );
    }
    timings[bench.name] = Math.round(performance.now() - b0) / 1000;
    log(`${bench.name}: ${timings[bench.name]} s`);
  }

  for (const bench of selected) {
    if (deferred.includes(bench)) continue;
    if (hasIdleWindow && bench.inIdleWindow) continue; // ran inside the idle window
    await runOne(bench);
  }
  // An idle window that never came (idle-fleet failed before it): run what waited for it.
  for (const bench of deferred) await runOne(bench);

  log('stopping the processes the bench started');
  const leftovers = await cleanupAll();
  if (leftovers.length) log(`killed left-over processes: ${leftovers.join(', ')}`);
  clearTimeout(watchdog);

  const durationS = Math.round(performance.now() - t0) / 1000;
  const machineAtEnd = describeMachine();
  process.stdout.write(`${formatTable(rows)}\n\n`);
  const unmet = rows.filter((r) => r.met === false);
  process.stdout.write(
    `${rows.filter((r) => r.met === true).length} targets met, ${unmet.length} not met${unmet.length ? `: ${unmet.map((r) => r.figure).join('; ')}` : ''}\n`,
  );
  process.stdout.write(`total ${durationS} s; load at the end ${machineAtEnd.loadAverage.join(' ')}\n`);

  const result = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    started_at: started.toISOString(),
    duration_s: durationS,
    quick,
    only,
    machine,
    load_average_at_end: machineAtEnd.loadAverage,
    timings_s: timings,
    rows,
    errors,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${timestamp(started)}${quick ? '-quick' : ''}${only ? '-partial' : ''}.json`);
  const json = `${JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
  writeFileSync(file, json);
  // latest.json is committed: only a complete, full-size run may replace it.
  if (!quick && !only) writeFileSync(join(RESULTS_DIR, 'latest.json'), json);
  process.stdout.write(`results: ${file}${!quick && !only ? ' and bench/results/latest.json' : ''}\n`);
  // Exit explicitly: a keep-alive socket left by a client must not hold the run open.
  process.exit(errors.length ? 1 : 0);
}

main().catch(async (error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await cleanupAll();
  process.exit(1);
});
