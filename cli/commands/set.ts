/** `set key=value … -m why`: change some keys (JSON merge patch on the version just read). */
import type { Command } from 'commander';
import { applyMergePatch, diffParams } from '../../shared/merge-patch.ts';
import { PARAM_SPECS } from '../../shared/param-specs.ts';
import { commandContext, type CliDeps } from '../command-context.ts';
import { parseAssignments } from '../parse-assignments.ts';
import {
  baseForWrite,
  parseForce,
  parseMessage,
  reportWrite,
  signatureFor,
  withLocalCheckOption,
  withWriteOptions,
  type CheckOption,
  type WriteOptions,
} from '../write-options.ts';

export function addSetCommand(program: Command, deps: CliDeps): void {
  withLocalCheckOption(
    withWriteOptions(
      program
        .command('set')
        .description('change some keys: values are JSON (0.8, "halted") or bare words (halted); null restores the default')
        .argument('<key=value...>', 'assignments, e.g. skew_adjustment_factor=0.8 trading_mode=reduce_only'),
    ),
  ).action(async (assignments: string[], options: WriteOptions & CheckOption, command: Command) => {
    const ctx = commandContext(command, deps);
    // Everything the user typed is checked before the first request.
    const patch = parseAssignments(assignments, { check: options.localCheck });
    const message = parseMessage(options.message);
    const force = parseForce(options);
    const set = ctx.set();
    const client = ctx.client();
    const { ifMatch, before, signedOn } = await baseForWrite(ctx, set, options);
    // "Nothing to change" is decided here only for known keys: a key this CLI does not know (sent
    // with --no-local-check) is the edge's to judge, never silently dropped as a no-op.
    const known = Object.keys(patch).every((key) => Object.hasOwn(PARAM_SPECS, key));
    if (before && known && diffParams(before.params, applyMergePatch(before.params, patch)).length === 0) {
      if (ctx.json) return ctx.outJson({ ...before, unchanged: true });
      return ctx.out(`${set} is already at those values (v${before.version}); nothing was sent`);
    }
    const signature = await signatureFor(ctx, options, async () => {
      const head = await signedOn();
      return { set, head, params: applyMergePatch(head.params, patch), message };
    });
    reportWrite(ctx, await client.patchParams(set, { params: patch, message, force, signature }, { ifMatch }), before);
  });
}
