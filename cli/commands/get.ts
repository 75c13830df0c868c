/** `get [keys…]` and `show <version>`: a version's document, readable or as JSON. */
import type { Command } from 'commander';
import type { Version } from '../../shared/api.ts';
import { PARAM_SPECS } from '../../shared/param-specs.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { formatVersion } from '../format-version.ts';
import { parseVersionArg } from '../parse-version-arg.ts';
import { UsageError } from '../usage-error.ts';

function printVersion(ctx: CommandContext, version: Version, keys: readonly string[]): void {
  const unknown = keys.filter((k) => !Object.hasOwn(PARAM_SPECS, k));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}: expected any of ${Object.keys(PARAM_SPECS).join(', ')}`,
    );
  const params = version.params as Record<string, unknown>;
  if (keys.length === 0) {
    if (ctx.json) ctx.outJson(version);
    else ctx.out(formatVersion(version));
    return;
  }
  if (ctx.json) ctx.outJson(Object.fromEntries(keys.map((k) => [k, params[k]])));
  else if (keys.length === 1) ctx.out(String(params[keys[0]!]));
  else ctx.out(keys.map((k) => `${k}=${JSON.stringify(params[k])}`).join('\n'));
}

export function addGetCommands(program: Command, deps: CliDeps): void {
  program
    .command('get')
    .description('print the current params of the set (or only the given keys)')
    .argument('[keys...]', 'only these keys (one key prints just its value)')
    .action(async (keys: string[], _options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const set = ctx.set();
      const { version, stale } = await ctx.client().current(set);
      if (stale)
        ctx.note(
          `warning: the edge answered from its KV mirror (its hub is unreachable): v${version.version} may not be the newest version`,
        );
      printVersion(ctx, version, keys);
    });

  program
    .command('show')
    .description('print one version of the set')
    .argument('<version>', 'the version number, e.g. 7')
    .argument('[keys...]', 'only these keys')
    .action(async (versionArg: string, keys: string[], _options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const version = parseVersionArg(versionArg);
      const set = ctx.set();
      printVersion(ctx, await ctx.client().getVersion(set, version), keys);
    });
}
