/**
 * `run …`: starts a runner in this process (`startRunner` of runner/runner.ts, quoting with the
 * Market Maker V2 trading loop). The arguments after `run` go to the runner's own config parser
 * (runner/config.ts), which owns those flags; `--url`, `--token` and `--set` given before `run` are
 * passed on too. Ctrl-C stops the runner cleanly (orders cancelled, final report sent).
 */
import type { Command } from 'commander';
import { commandContext, type CliDeps, type GlobalOptions } from '../command-context.ts';
import { UsageError } from '../usage-error.ts';

function globalFlags(options: GlobalOptions): string[] {
  return (['url', 'token', 'set'] as const).flatMap((key) => (options[key] === undefined ? [] : [`--${key}`, options[key]]));
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  return new Promise((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );
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
      // Loaded on demand: the runner and its engine are large and only this command needs them.
      const { ConfigError, USAGE, parseRunnerConfig } = await import('../../runner/config.ts');
      if (argv.includes('--help') || argv.includes('-h')) return ctx.out(USAGE.replace('livetune-runner', 'livetune run'));
      let config;
      try {
        config = parseRunnerConfig(argv, ctx.io.env);
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      const { startRunner } = await import('../../runner/runner.ts');
      const { createTradingLoopFactory } = await import('../../runner/trading/create-trading-loop.ts');
      const runner = await startRunner(config, { createTradingLoop: createTradingLoopFactory(config.venueOptions) });
      ctx.note(`runner ${config.runnerId} (${config.region}) started on ${config.set}; Ctrl-C to stop`);
      await untilAborted(ctx.io.signal);
      await runner.stop('signal');
    });
}
