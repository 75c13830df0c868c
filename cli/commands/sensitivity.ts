/**
 * `livetune sensitivity`: how much the objective moves when each parameter moves alone around the
 * current params (`--set`'s version, `--params FILE`, or the defaults): every key of the sweep
 * ranges scaled ×0.5, ×0.8, ×1.25, ×2 (clamped to its range), each on the same seeds as the base,
 * with the paired difference and its t. A key whose every row has |t| < 2 is one the market does
 * not care about at these values.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { parseKnobAssignments } from '../../engine/sim/parse-knobs.ts';
import { SCENARIO_NAMES } from '../../engine/sim/scenarios.ts';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import { commandContext, type CliDeps } from '../command-context.ts';
import { formatNumber } from '../format-table.ts';
import { parseDuration } from '../parse-duration.ts';
import { resolveBacktestParams } from '../resolve-backtest-params.ts';
import { UsageError } from '../usage-error.ts';

interface SensitivityFlags {
  params?: string;
  seeds: string;
  scenario: string;
  duration: string;
  workers?: string;
  objective: string;
  knob: string[];
}

export function addSensitivityCommand(program: Command, deps: CliDeps): void {
  program
    .command('sensitivity')
    .description('move each parameter alone around the current params and measure the objective (paired, with t)')
    .option('--params <file>', "params document (default: --set's head, else the defaults)")
    .option('--seeds <list>', 'seeds, e.g. 1-8', '1-8')
    .option('--scenario <name>', `market scenario: ${SCENARIO_NAMES.join(' | ')}`, 'toxic')
    .option('--duration <d>', 'simulated time per run', '1h')
    .option('--workers <n>', `worker threads (default: every core, ${availableParallelism()} here)`)
    .option('--objective <name>', 'sharpe | pnl | drawdown', 'sharpe')
    .option(
      '--knob <name=value>',
      'override a scenario knob, repeatable',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .action(async (flags: SensitivityFlags, command: Command) => {
      const ctx = commandContext(command, deps);
      const { parseSeeds, sensitivityCandidates, candidateLabel } = await import('../../engine/sweep/sweep-candidates.ts');
      const { SWEEP_OBJECTIVES } = await import('../../engine/sweep/summarise-sweep.ts');
      if (!(SCENARIO_NAMES as readonly string[]).includes(flags.scenario)) {
        throw new UsageError(`--scenario ${JSON.stringify(flags.scenario)}: expected one of ${SCENARIO_NAMES.join(', ')}`);
      }
      if (!(SWEEP_OBJECTIVES as readonly string[]).includes(flags.objective)) {
        throw new UsageError(`--objective ${JSON.stringify(flags.objective)}: expected one of ${SWEEP_OBJECTIVES.join(', ')}`);
      }
      const workers = flags.workers === undefined ? availableParallelism() : Number(flags.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
        throw new UsageError(`--workers ${JSON.stringify(flags.workers)}: expected a whole number from 1 to 256`);
      }
      let seeds: number[];
      let overrides;
      try {
        seeds = parseSeeds(flags.seeds);
        overrides = parseKnobAssignments(flags.knob);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const hasSet = (command.optsWithGlobals<{ set?: string }>().set ?? deps.io.env.LIVETUNE_SET ?? '') !== '';
      const { params: base, source } = await resolveBacktestParams(ctx, { params: flags.params }, hasSet, DEFAULT_PARAMS);
      const candidates = sensitivityCandidates(base);
      const { runSweep } = await import('../../engine/sweep/run-sweep.ts');
      const { workerPoolExecutor } = await import('../sweep-worker-pool.ts');
      const executor = workerPoolExecutor(workers);
      let report;
      try {
        report = await runSweep({
          candidates,
          seeds,
          holdoutSeeds: [],
          scenario: flags.scenario,
          overrides,
          durationMs: parseDuration(flags.duration),
          objective: flags.objective as 'sharpe',
          executor,
          onResult: (_, done, total) => ctx.note(`sensitivity: ${done}/${total} runs`),
        });
      } finally {
        await executor.close();
      }
      const rows = report.search.slice().sort((a, b) => a.candidate - b.candidate);
      if (ctx.json) {
        ctx.outJson({
          source,
          scenario: report.scenario,
          objective: report.objective,
          seeds,
          rows: rows.map(({ params: _p, ...r }) => r),
        });
        return;
      }
      const f = (x: number) => formatNumber(x, 3);
      const lines = rows.map(
        (r) =>
          `  ${candidateLabel(base, candidates[r.candidate]!).padEnd(44)} ${`${f(r.mean)} ± ${f(r.sd)}`.padEnd(22)} ${r.candidate === 0 ? '—'.padEnd(22) : `${f(r.diff_mean)} ± ${f(r.diff_sd)}`.padEnd(22)} ${r.t === null ? '—' : f(r.t)}`,
      );
      ctx.out(
        `sensitivity of ${source} · ${report.scenario} · seeds ${seeds.join(',')} · objective ${report.objective}\n  ${'one key changed'.padEnd(44)} ${'mean ± sd'.padEnd(22)} ${'vs base (paired)'.padEnd(22)} t\n${lines.join('\n')}\n`,
      );
    });
}
