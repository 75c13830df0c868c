/** `rollback <version> -m why`: a new version whose params equal an earlier one's. */
import type { Command } from 'commander';
import { commandContext, type CliDeps } from '../command-context.ts';
import { parseVersionArg } from '../parse-version-arg.ts';
import { baseForWrite, parseForce, parseMessage, reportWrite, withWriteOptions, type WriteOptions } from '../write-options.ts';

export function addRollbackCommand(program: Command, deps: CliDeps): void {
  withWriteOptions(
    program
      .command('rollback')
      .description('make an earlier version current again (as a new version; nothing is deleted)')
      .argument('<version>', 'the version to go back to, e.g. 3'),
  ).action(async (versionArg: string, options: WriteOptions, command: Command) => {
    const ctx = commandContext(command, deps);
    const to = parseVersionArg(versionArg);
    const message = parseMessage(options.message);
    const force = parseForce(options);
    const set = ctx.set();
    const { ifMatch, before } = await baseForWrite(ctx, set, options);
    // The edge's rollback is unconditional; If-Match is sent only when the user pinned a version.
    const written = await ctx.client().rollback(set, { to, message, force }, options.ifVersion === undefined ? {} : { ifMatch });
    reportWrite(ctx, written, before);
  });
}
