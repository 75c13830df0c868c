/**
 * `run …`: starts a runner in this process (`startRunner` of runner/runner.ts); every argument after
 * `run` goes to the runner's own config parser (runner/config.ts), which owns those flags.
 */
import type { Command } from 'commander';
import { commandContext, type CliDeps } from '../command-context.ts';
import { loadRunnerModule, requireFunction } from '../optional-module.ts';

type ParseConfig = (argv: string[], env: Record<string, string | undefined>) => unknown;
type StartRunner = (config: unknown) => Promise<unknown> | unknown;

export function addRunCommand(program: Command, deps: CliDeps, rawArgs: () => string[]): void {
  program
    .command('run')
    .description('start a runner (arguments after "run" go to the runner: livetune run --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[runner-args...]')
    .action(async (_args: string[], _options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const config = await loadRunnerModule('config.ts', 'run');
      const runner = await loadRunnerModule('runner.ts', 'run');
      const parse = requireFunction<ParseConfig>(config, 'parseRunnerConfig', 'run');
      const start = requireFunction<StartRunner>(runner, 'startRunner', 'run');
      await start(await parse(rawArgs(), ctx.io.env));
    });
}
