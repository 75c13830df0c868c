/**
 * `livetune sweep`: a parameter sweep on the simulator. Candidates from `--grid key=v1,v2`
 * (repeatable: the product) or `--random N`, each on every `--seeds` seed, ranked by `--objective`;
 * the best few re-run on `--holdout` seeds to show whether the win survives markets it was not
 * chosen on. Jobs run on `--workers` worker threads (default: every core). Prints a table
 * (mean ± sd, paired difference to the base and its t); `--csv FILE` writes every run,
 * `--svg FILE` a chart, `--json` the whole report.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { parseKnobAssignments } from '../../engine/sim/parse-knobs.ts';
import { SCENARIO_NAMES } from '../../engine/sim/scenarios.ts';
import { DEFAULT_PARAMS, type Params } from '../../shared/params-schema.ts';
import { type CliDeps, type CommandContext, commandContext } from '../command-context.ts';
import { baseForWrite, parseMessage, reportWrite } from '../write-options.ts';
import { formatNumber } from '../format-table.ts';
import { resolveBacktestParams } from '../resolve-backtest-params.ts';
import { parseDuration } from '../parse-duration.ts';
import { UsageError } from '../usage-error.ts';

interface SweepFlags {
  params?: string;
  grid: string[];
  random?: string;
  randomSeed: string;
  seeds: string;
  holdout?: string;
  scenario: string;
  duration: string;
  workers?: string;
  objective: string;
  knob: string[];
  csv?: string;
  svg?: string;
  propose?: boolean;
  message?: string;
}

const collect = (value: string, all: string[]) => [...all, value];

export function addSweepCommand(program: Command, deps: CliDeps): void {
  program
    .command('sweep')
    .description('sweep params on the simulator across seeds (worker threads), with holdout seeds against overfitting')
    .option('--params <file>', "base params document (default: --set's head, else the defaults)")
    .option('--grid <key=v1,v2>', 'values of one key, repeatable (the product of all)', collect, [] as string[])
    .option('--random <n>', 'instead of a grid: n random candidates over the sweep ranges')
    .option('--random-seed <n>', 'seed of --random', '1')
    .option('--seeds <list>', 'search seeds, e.g. 1-8', '1-8')
    .option('--holdout <list>', 're-run the best 3 and the base on these seeds, e.g. 9-16')
    .option('--scenario <name>', `market scenario: ${SCENARIO_NAMES.join(' | ')}`, 'toxic')
    .option('--duration <d>', 'simulated time per run, e.g. 30m, 2h', '1h')
    .option('--workers <n>', `worker threads (default: every core, ${availableParallelism()} here)`)
    .option('--objective <name>', 'sharpe | pnl | drawdown (P&L minus max drawdown)', 'sharpe')
    .option('--knob <name=value>', 'override a scenario knob, repeatable', collect, [] as string[])
    .option('--csv <file>', 'write every run as CSV')
    .option('--svg <file>', 'write a chart (heatmap for two grid keys, lines for one)')
    .option('--propose', 'write the winner as a new version of --set, only if it also beats the base on the --holdout seeds')
    .option('-m, --message <why>', 'with --propose: why (the audit trail); the sweep figures are appended')
    .action(async (flags: SweepFlags, command: Command) => {
      const ctx = commandContext(command, deps);
      const { parseGridAxis, parseSeeds, gridCandidates, randomCandidates, candidateLabel } = await import(
        '../../engine/sweep/sweep-candidates.ts'
      );
      const { SWEEP_OBJECTIVES } = await import('../../engine/sweep/summarise-sweep.ts');
      const usage = <T>(fn: () => T): T => {
        try {
          return fn();
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
      };
      if (!(SCENARIO_NAMES as readonly string[]).includes(flags.scenario)) {
        throw new UsageError(`--scenario ${JSON.stringify(flags.scenario)}: expected one of ${SCENARIO_NAMES.join(', ')}`);
      }
      if (!(SWEEP_OBJECTIVES as readonly string[]).includes(flags.objective)) {
        throw new UsageError(`--objective ${JSON.stringify(flags.objective)}: expected one of ${SWEEP_OBJECTIVES.join(', ')}`);
      }
      if (flags.grid.length > 0 && flags.random !== undefined) throw new UsageError('--grid and --random: give one of them');
      if (flags.grid.length === 0 && flags.random === undefined)
        throw new UsageError('give --grid key=v1,v2 (repeatable) or --random N');
      const workers = flags.workers === undefined ? availableParallelism() : Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
        throw new UsageError(`--workers ${JSON.stringify(flags.workers)}: expected a whole number from 1 to 256`);
      }
      const seeds = usage(() => parseSeeds(flags.seeds));
      const holdout = flags.holdout === undefined ? [] : usage(() => parseSeeds(flags.holdout!, '--holdout'));
      const shared = holdout.filter((s) => seeds.includes(s));
      if (shared.length > 0)
        throw new UsageError(`--holdout shares seeds with --seeds (${shared.join(', ')}): holdout seeds must be unseen`);
      const durationMs = parseDuration(flags.duration);
      const overrides = usage(() => parseKnobAssignments(flags.knob));
      const hasSet = (command.optsWithGlobals<{ set?: string }>().set ?? deps.io.env.LIVETUNE_SET ?? '') !== '';
      if (flags.propose === true) {
        if (holdout.length === 0)
          throw new UsageError('--propose needs --holdout seeds: a winner is written only if it also wins on unseen seeds');
        if (flags.message === undefined) throw new UsageError('--propose needs -m "why" (the audit trail)');
        if (flags.params !== undefined || !hasSet)
          throw new UsageError('--propose sweeps the live set: pass --set NAME, not --params');
      }
      const { params: base, version: sweptVersion } = await resolveBacktestParams(
        ctx,
        { params: flags.params },
        hasSet,
        DEFAULT_PARAMS,
      );
      const axes = usage(() => flags.grid.map(parseGridAxis));
      let candidates: Params[];
      if (flags.random !== undefined) {
        const n = Number(flags.random);
        if (!Number.isInteger(n) || n < 1 || n > 10_000)
          throw new UsageError(`--random ${JSON.stringify(flags.random)}: expected a whole number from 1 to 10000`);
        candidates = randomCandidates(base, n, Number(flags.randomSeed) || 1);
      } else candidates = usage(() => gridCandidates(base, axes));

      const { runSweep } = await import('../../engine/sweep/run-sweep.ts');
      const { workerPoolExecutor } = await import('../sweep-worker-pool.ts');
      // cli-progress is CommonJS: from source Node gives its exports as named ones, the esbuild
      // bundle only as \`default\` (the bundled CLI failed here with "reading 'shades_classic'").
      const progress = await import('cli-progress');
      const { Presets, SingleBar } = progress.default ?? progress;
      const executor = workerPoolExecutor(workers);
      const bar = new SingleBar(
        {
          stream: ctx.io.stderr as NodeJS.WritableStream,
          format: `sweep ${flags.scenario} [{bar}] {value}/{total} runs · ${workers} workers`,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(1, 0);
      let report;
      try {
        report = await runSweep({
          candidates,
          seeds,
          holdoutSeeds: holdout,
          scenario: flags.scenario,
          overrides,
          durationMs,
          objective: flags.objective as 'sharpe',
          executor,
          onResult: (_, done, total) => {
            bar.setTotal(total);
            bar.update(done);
          },
        });
      } finally {
        bar.stop();
        await executor.close();
      }
      if (flags.csv !== undefined) {
        const head = 'phase,candidate,label,seed,sharpe,pnl,max_drawdown,fills,markout_5s_bps,inventory_std,taker_volume';
        const lines = report.results.map((r) =>
          [
            r.phase,
            r.candidate,
            JSON.stringify(candidateLabel(base, candidates[r.candidate]!)),
            r.seed,
            r.sharpe,
            r.pnl,
            r.max_drawdown,
            r.fills,
            r.markout_5s_bps ?? '',
            r.inventory_std,
            r.taker_volume,
          ].join(','),
        );
        await writeFile(flags.csv, `${[head, ...lines].join('\n')}\n`);
      }
      if (flags.svg !== undefined) {
        const { sweepChart } = await import('../../engine/sweep/sweep-chart.ts');
        await writeFile(flags.svg, sweepChart(report, axes));
      }
      if (flags.propose === true) {
        await propose(ctx, report, base, sweptVersion!, flags.message!);
        return;
      }
      if (ctx.json) {
        const { results: _results, ...rest } = report;
        ctx.outJson(rest);
        return;
      }
      ctx.out(formatSweep(report));
    });
}

/**
 * Writes the winner on top of the version that was swept (412 if the set moved meanwhile: the sweep
 * no longer compared against what is live), with the figures in the message. No winner: nothing.
 */
async function propose(ctx: CommandContext, report: Report, base: Params, swept: number, why: string): Promise<void> {
  if (!ctx.json) ctx.out(formatSweep(report));
  const winner = report.winner;
  if (winner === null) {
    ctx.note('--propose: no version written (no candidate beat the base on both the search and the holdout seeds)');
    return;
  }
  const patch = Object.fromEntries(
    (Object.keys(winner.params) as (keyof Params)[])
      .filter((k) => winner.params[k] !== base[k])
      .map((k) => [k, winner.params[k]]),
  );
  const holdout = report.holdout.find((r) => r.candidate === winner.candidate)!;
  const t = (x: number | null) => (x === null ? '-' : x.toFixed(2));
  const message = parseMessage(
    `${why} [sweep ${report.scenario}: ${report.objective} +${winner.diff_mean.toPrecision(3)} (t ${t(winner.t)}) on seeds ${report.seeds.join(',')}, +${holdout.diff_mean.toPrecision(3)} (t ${t(holdout.t)}) on holdout ${report.holdout_seeds.join(',')}]`.slice(
      0,
      500,
    ),
  );
  const set = ctx.set();
  const { ifMatch, before } = await baseForWrite(ctx, set, { message, ifVersion: String(swept) });
  reportWrite(ctx, await ctx.client().patchParams(set, { params: patch, message }, { ifMatch }), before);
}

type Report = Awaited<ReturnType<typeof import('../../engine/sweep/run-sweep.ts').runSweep>>;

function formatSweep(r: Report): string {
  const f = (x: number) => formatNumber(x, 3);
  const table = (rows: Report['search'], title: string) => {
    const lines = rows.map(
      (row) =>
        `  ${(row.label).padEnd(44)} ${`${f(row.mean)} ± ${f(row.sd)}`.padEnd(22)} ${row.candidate === 0 ? '—'.padEnd(22) : `${f(row.diff_mean)} ± ${f(row.diff_sd)}`.padEnd(22)} ${row.t === null ? '—' : f(row.t)}`,
    );
    return `${title}\n  ${'candidate'.padEnd(44)} ${`${r.objective} mean ± sd`.padEnd(22)} ${'vs base (paired)'.padEnd(22)} t\n${lines.join('\n')}`;
  };
  const out = [
    `sweep ${r.scenario} · ${r.duration_ms / 60_000} min per run · objective ${r.objective}`,
    table(r.search, `search seeds ${r.seeds.join(',')}`),
  ];
  if (r.holdout.length > 0) out.push(table(r.holdout, `holdout seeds ${r.holdout_seeds.join(',')} (not used to choose)`));
  out.push(
    r.winner === null
      ? 'winner: none (no candidate beat the base on both the search and the holdout seeds)'
      : `winner: ${r.winner.label}`,
  );
  return `${out.join('\n\n')}\n`;
}
