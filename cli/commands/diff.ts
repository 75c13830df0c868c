/** `diff <a> [b]`: the keys that differ between two versions (b defaults to the current one). */
import type { Command } from 'commander';
import { commandContext, type CliDeps } from '../command-context.ts';
import { formatChanges } from '../format-version.ts';
import { parseVersionArg } from '../parse-version-arg.ts';

export function addDiffCommand(program: Command, deps: CliDeps): void {
  program
    .command('diff')
    .description('show the keys that differ between two versions')
    .argument('<from>', 'the older version, e.g. 7')
    .argument('[to]', 'the newer version (default: the current one)')
    .action(async (fromArg: string, toArg: string | undefined, _options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const from = parseVersionArg(fromArg, 'from');
      const toGiven = toArg === undefined ? undefined : parseVersionArg(toArg, 'to');
      const set = ctx.set();
      const client = ctx.client();
      const to = toGiven ?? (await client.current(set)).version.version;
      const diff = await client.diff(set, from, to);
      if (ctx.json) return ctx.outJson(diff);
      ctx.out(`${set} v${diff.from} → v${diff.to}:\n${formatChanges(diff.changes)}`);
    });
}
