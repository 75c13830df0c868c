/** `sets`: every param set with its current version. */
import type { Command } from 'commander';
import { commandContext, type CliDeps } from '../command-context.ts';
import { formatTable, formatTime } from '../format-table.ts';

export function addSetsCommand(program: Command, deps: CliDeps): void {
  program
    .command('sets')
    .description('list the param sets with their current version')
    .action(async (_options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const list = await ctx.client().listSets();
      if (ctx.json) return ctx.outJson(list);
      if (list.sets.length === 0) return ctx.out('no sets yet: livetune apply -f params.json --create --set <name> -m "why"');
      const rows = list.sets.map((s) => [s.set, `v${s.version}`, formatTime(s.updated_at), s.author]);
      ctx.out(formatTable(['SET', 'VERSION', 'UPDATED', 'AUTHOR'], rows));
    });
}
