/**
 * `backtest --params file --scenario name --seed N --duration 6h`: runs the strategy on the simulated
 * exchange (`runBacktest` of runner/backtest) with a progress bar on stderr; the result on stdout.
 */
import { readFile } from 'node:fs/promises';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { commandContext, type CliDeps } from '../command-context.ts';
import { parseDocument } from '../load-document.ts';
import { loadRunnerModule, requireFunction } from '../optional-module.ts';
import { parseDuration } from '../parse-duration.ts';
import { UsageError } from '../usage-error.ts';

interface BacktestOptions {
  params: string;
  scenario: string;
  seed: string;
  duration: string;
}

type RunBacktest = (options: Record<string, unknown>) => Promise<unknown> | unknown;

export function addBacktestCommand(program: Command, deps: CliDeps): void {
  program
    .command('backtest')
    .description('run the strategy on the simulated exchange; --json prints the full result')
    .requiredOption('--params <file>', 'params document')
    .option('--scenario <name>', 'market scenario', 'default')
    .option('--seed <n>', 'random seed (same seed, same result)', '1')
    .option('--duration <d>', 'simulated time, e.g. 30m, 6h, 1d', '6h')
    .action(async (options: BacktestOptions, command: Command) => {
      const ctx = commandContext(command, deps);
      const seed = Number(options.seed);
      if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed ${JSON.stringify(options.seed)}: expected a whole number`);
      const durationMs = parseDuration(options.duration);
      let text: string;
      try {
        text = await readFile(options.params, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read --params ${options.params}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const { params } = parseDocument(text, options.params);
      const module = await loadRunnerModule('backtest/index.ts', 'backtest');
      const runBacktest = requireFunction<RunBacktest>(module, 'runBacktest', 'backtest');
      const bar = new SingleBar({ stream: ctx.io.stderr as NodeJS.WritableStream, format: 'backtest [{bar}] {percentage}% | {value}/{total} simulated min', hideCursor: true }, Presets.shades_classic);
      const totalMin = Math.ceil(durationMs / 60_000);
      bar.start(totalMin, 0);
      try {
        const result = await runBacktest({
          params,
          scenario: options.scenario,
          seed,
          durationMs,
          onProgress: (fraction: number) => bar.update(Math.min(totalMin, Math.round(fraction * totalMin))),
        });
        bar.update(totalMin);
        bar.stop();
        if (ctx.json) return ctx.outJson(result);
        const rows = Object.entries((result ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v !== 'object' || v === null);
        ctx.out(rows.map(([k, v]) => `${k}: ${String(v)}`).join('\n'));
      } finally {
        bar.stop();
      }
    });
}
