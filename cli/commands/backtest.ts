/**
 * `backtest --params file --scenario name --seed N --duration 6h [--baseline]`: the quoting engine
 * against the simulated exchange (`runBacktest` of engine/backtest), a progress bar on stderr, the
 * report on stdout (`--json` for the full report). Same params, scenario and seed: same report.
 * `--baseline` adds a fixed-spread quoter on the same market (common random numbers).
 */
import type { Command } from 'commander';
import { parseKnobAssignments } from '../../engine/sim/parse-knobs.ts';
import { SCENARIO_NAMES } from '../../engine/sim/scenarios.ts';
import { commandContext, type CliDeps } from '../command-context.ts';
import { formatBacktestReport } from '../format-backtest-report.ts';
import type { Recording } from '../../engine/sim/recording.ts';
import { resolveBacktestParams } from '../resolve-backtest-params.ts';
import { parseDuration } from '../parse-duration.ts';
import { UsageError } from '../usage-error.ts';

interface BacktestOptions {
  params?: string;
  atVersion?: string;
  data?: string;
  scenario: string;
  seed: string;
  duration: string;
  knob: string[];
  baseline?: boolean;
}

export function addBacktestCommand(program: Command, deps: CliDeps): void {
  program
    .command('backtest')
    .description('run the strategy on the simulated exchange; --json prints the full report')
    .option('--params <file>', 'params document (or --set NAME [--at-version N]: a live version)')
    // Not --version: commander gives that to the program (livetune --version prints its own).
    .option('--at-version <n>', 'with --set: this version instead of the head')
    .option('--data <file>', 'replay a recorded feed (docs/SIMULATOR.md) instead of the synthetic market')
    .option('--scenario <name>', `market scenario: ${SCENARIO_NAMES.join(' | ')}`, 'calm')
    .option('--seed <n>', 'random seed (same seed, same report)', '1')
    .option('--duration <d>', 'simulated time, e.g. 30m, 6h, 1d', '6h')
    .option(
      '--knob <name=value>',
      'override a scenario knob, repeatable (e.g. --knob informedShare=0.4)',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option('--baseline', 'also run a fixed-spread quoter (mid ± B, post-only) on the same seed and market')
    .action(async (options: BacktestOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      if (!(SCENARIO_NAMES as readonly string[]).includes(options.scenario)) {
        throw new UsageError(`--scenario ${JSON.stringify(options.scenario)}: expected one of ${SCENARIO_NAMES.join(', ')}`);
      }
      const seed = Number(options.seed);
      if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed ${JSON.stringify(options.seed)}: expected a whole number`);
      const durationMs = parseDuration(options.duration);
      let overrides;
      try {
        overrides = parseKnobAssignments(options.knob);
      } catch (error) {
        throw new UsageError(`--knob: ${(error as Error).message}`);
      }
      const hasSet = (command.optsWithGlobals<{ set?: string }>().set ?? deps.io.env.LIVETUNE_SET ?? '') !== '';
      const { params } = await resolveBacktestParams(ctx, { params: options.params, version: options.atVersion }, hasSet);
      let data: Recording | undefined;
      if (options.data !== undefined) {
        const { readFile } = await import('node:fs/promises');
        const { parseRecording } = await import('../../engine/sim/recording.ts');
        let text: string;
        try {
          text = await readFile(options.data, 'utf8');
        } catch (error) {
          throw new UsageError(`--data ${JSON.stringify(options.data)}: ${(error as Error).message}`);
        }
        try {
          data = parseRecording(text);
        } catch (error) {
          throw new UsageError(`--data ${JSON.stringify(options.data)}: ${(error as Error).message}`);
        }
      }
      // Loaded on demand: the simulator and the progress bar are large and only this command needs them.
      const { runBacktest } = await import('../../engine/backtest/run-backtest.ts');
      // cli-progress is CommonJS: from source Node gives its exports as named ones, the esbuild
      // bundle only as \`default\` (the bundled CLI failed here with "reading 'shades_classic'").
      const progress = await import('cli-progress');
      const { Presets, SingleBar } = progress.default ?? progress;
      const bar = new SingleBar(
        {
          stream: ctx.io.stderr as NodeJS.WritableStream,
          format: `backtest ${options.scenario} [{bar}] {percentage}% of ${options.duration} simulated`,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(100, 0);
      let report;
      try {
        // runBacktest is synchronous: the bar redraws from inside update() (cli-progress synchronousUpdate).
        report = runBacktest({
          params,
          scenario: options.scenario,
          overrides,
          seed,
          durationMs,
          baseline: options.baseline === true,
          data,
          onProgress: (done, total) => bar.update(Math.floor((done / total) * 100)),
        });
        bar.update(100);
      } finally {
        bar.stop();
      }
      if (ctx.json) ctx.outJson(report);
      else ctx.out(formatBacktestReport(report));
    });
}
