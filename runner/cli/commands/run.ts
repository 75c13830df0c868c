/**
 * `run …`: starts a runner in this process (`startRunner` of runner/runner.ts). The arguments after
 * `run` go to the runner's own config parser (runner/config.ts), which owns those flags; `--url`,
 * `--token` and `--set` given before `run` are passed on too. Ctrl-C stops the runner cleanly
 * (orders cancelled, final report sent).
 */
import type { Command } from 'commander';
import { commandContext, type CliDeps, type GlobalOptions } from '../command-context.ts';
import { loadRunnerModule, requireFunction } from '../optional-module.ts';
import { UsageError } from '../usage-error.ts';

type ParseConfig = (argv: readonly string[], env: Record<string, string | undefined>) => unknown;
type StartRunner = (config: unknown, deps: Record<string, unknown>) => Promise<{ stop(reason?: string): Promise<void> }>;

function globalFlags(options: GlobalOptions): string[] {
  return (['url', 'token', 'set'] as const).flatMap((key) => (options[key] === undefined ? [] : [`--${key}`, options[key]]));
}

export function addRunCommand(program: Command, deps: CliDeps, runnerArgs: () => string[]): void {
  program
    .command('run')
    .description('start a runner here: livetune run --runner-id fra-1 --region fra [runner flags; livetune run --help]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[runner-args...]')
    .action(async (_args: string[], _options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const argv = [...globalFlags(command.optsWithGlobals<GlobalOptions>()), ...runnerArgs()];
      const config = await loadRunnerModule('config.ts', 'run');
      if (argv.includes('--help') || argv.includes('-h')) return ctx.out(String(config.USAGE ?? 'livetune run: see runner/config.ts'));
      const parse = requireFunction<ParseConfig>(config, 'parseRunnerConfig', 'run');
      let parsed: unknown;
      try {
        parsed = parse(argv, ctx.io.env);
      } catch (error) {
        if ((error as Error).name === 'ConfigError') throw new UsageError((error as Error).message);
        throw error;
      }
      const start = requireFunction<StartRunner>(await loadRunnerModule('runner.ts', 'run'), 'startRunner', 'run');
      // The quoting engine the runner's own entry uses (runner/main.ts).
      const loop = await loadRunnerModule('trading/minimal-loop.ts', 'run');
      const createTradingLoop = requireFunction<() => unknown>(loop, 'createMinimalLoopFactory', 'run')();
      const runner = await start(parsed, { createTradingLoop });
      ctx.note('runner started (Ctrl-C to stop)');
      const signal = ctx.io.signal;
      if (signal) await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
      else await new Promise<void>(() => {});
      await runner.stop('signal');
    });
}
