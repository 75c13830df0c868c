/** `rollback <version> -m why`: a new version whose params equal an earlier one's. */
import type { Command } from 'commander';
import { commandContext, type CliDeps } from '../command-context.ts';
import { parseVersionArg } from '../parse-version-arg.ts';
import {
  baseForWrite,
  parseForce,
  parseMessage,
  reportWrite,
  signatureFor,
  withWriteOptions,
  type WriteOptions,
} from '../write-options.ts';

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
    const { ifMatch, before, signedOn } = await baseForWrite(ctx, set, options);
    // A signed rollback signs the target's params as the new document, on the head just read.
    const signature = await signatureFor(ctx, options, async () => ({
      set,
      head: await signedOn(),
      params: (await ctx.client().getVersion(set, to)).params,
      message,
      rollbackOf: to,
    }));
    // The edge's rollback is unconditional; If-Match is sent only when the user pinned a version (or
    // signed: the signature names the head it was made on, and a moved head would only fail later).
    const pinned = options.ifVersion !== undefined || signature !== undefined;
    const written = await ctx.client().rollback(set, { to, message, force, signature }, pinned ? { ifMatch } : {});
    reportWrite(ctx, written, before);
  });
}
