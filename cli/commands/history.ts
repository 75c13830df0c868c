/** `history`: the set's versions, newest first: who changed what, when and why. */
import type { Command } from 'commander';
import { commandContext, type CliDeps } from '../command-context.ts';
import { formatTable, formatTime } from '../format-table.ts';
import { parsePositiveInt, parseVersionArg } from '../parse-version-arg.ts';

export function addHistoryCommand(program: Command, deps: CliDeps): void {
  program
    .command('history')
    .description('list the versions of the set, newest first')
    .option('-n, --limit <n>', 'how many versions', '20')
    .option('--before <version>', 'only versions older than this one (paging)')
    .action(async (options: { limit: string; before?: string }, command: Command) => {
      const ctx = commandContext(command, deps);
      const limit = parsePositiveInt(options.limit, '--limit');
      const before = options.before === undefined ? undefined : parseVersionArg(options.before, '--before');
      const set = ctx.set();
      const page = await ctx.client().listVersions(set, before === undefined ? { limit } : { limit, before });
      if (ctx.json) return ctx.outJson(page);
      const rows = page.versions.map((v) => [
        `v${v.version}`,
        v.kind === 'rollback' && v.rollback_of ? `rollback→v${v.rollback_of}` : v.kind,
        v.author,
        formatTime(v.created_at),
        v.message,
      ]);
      ctx.out(formatTable(['VERSION', 'KIND', 'AUTHOR', 'TIME', 'MESSAGE'], rows));
      if (page.next_before !== null) ctx.note(`older versions: livetune history --before ${page.next_before} --set ${set}`);
    });
}
