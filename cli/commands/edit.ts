/**
 * `edit -m why`: the current document in $VISUAL/$EDITOR; on save it is validated before anything is
 * sent (an invalid document re-opens the editor, or aborts), then written with If-Match on the
 * version that was opened, so a change made meanwhile by someone else is not overwritten. If the set
 * moved meanwhile (412), the operator's *changes* are kept, never the whole document: what the
 * colleague changed is shown, keys both changed are flagged, and just the operator's changes are
 * re-applied on the new head (a merge patch with its If-Match) once they say yes; without anyone to
 * ask, the exact `livetune set … --if-version N` that does it is printed.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { PreconditionFailedError } from '../../client/edge-errors.ts';
import type { Version } from '../../shared/api.ts';
import { applyMergePatch, diffParams } from '../../shared/merge-patch.ts';
import { spawnEditor } from '../cli-io.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { describeEditRebase, planEditRebase, setCommandFor } from '../edit-rebase.ts';
import { parseDocument, type LoadedDocument } from '../load-document.ts';
import { renderError } from '../render-error.ts';
import { UsageError } from '../usage-error.ts';
import {
  baseForWrite,
  parseForce,
  parseMessage,
  reportWrite,
  signatureFor,
  withWriteOptions,
  type WriteOptions,
} from '../write-options.ts';

/** Edits until the document is valid or the user gives up (no TTY to ask: gives up). */
async function editUntilValid(ctx: CommandContext, file: string): Promise<LoadedDocument> {
  const editor = ctx.io.env.VISUAL || ctx.io.env.EDITOR || 'vi';
  const edit = ctx.io.editFile ?? spawnEditor;
  for (;;) {
    await edit(file, editor);
    try {
      return parseDocument(await readFile(file, 'utf8'), 'the edited document');
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      ctx.note(renderError(error, ctx.scope));
      const again = (await ctx.io.confirm?.('Re-open the editor to fix it?')) ?? false;
      if (!again) throw new UsageError(`${error.message}; aborted`, error.issues);
    }
  }
}

/** How many times a colleague may win the race again before we stop asking and print the command. */
const MAX_REAPPLY = 5;

/**
 * After a 412: re-reads the head, shows both sides, and re-applies the operator's changes as a merge
 * patch on it when they agree. Returns normally once written (or when the head already has them);
 * throws the 412 — its message then carries the exact command to run — when nobody agreed.
 */
async function reapplyChanges(
  ctx: CommandContext,
  set: string,
  opened: Version,
  edited: Record<string, unknown>,
  message: string,
  stale: PreconditionFailedError,
  options: Pick<WriteOptions, 'key'>,
): Promise<void> {
  const client = ctx.client();
  let error = stale;
  for (let attempt = 0; ; attempt++) {
    const head = await client.current(set);
    const plan = planEditRebase(opened, edited, head.version);
    ctx.note(describeEditRebase(plan, opened, head.version));
    const changes = Object.keys(plan.patch).length;
    if (changes === 0) {
      if (ctx.json) return ctx.outJson({ ...head.version, etag: head.etag, unchanged: true });
      return ctx.out(`${set} v${head.version.version} already has all your changes; nothing was sent`);
    }
    ctx.scope.readVersion = head.version.version;
    ctx.scope.reapply = setCommandFor(set, head.version.version, plan.patch, message);
    const question = `Re-apply your ${changes} change${changes === 1 ? '' : 's'} on v${head.version.version}?`;
    const yes = !ctx.json && attempt < MAX_REAPPLY && ((await ctx.io.confirm?.(question)) ?? false);
    if (!yes) throw error;
    try {
      const params = applyMergePatch(head.version.params, plan.patch);
      const signature = await signatureFor(ctx, options, async () => ({ set, head: head.version, params, message }));
      const written = await client.patchParams(set, { params: plan.patch, message, signature }, { ifMatch: head.etag });
      return reportWrite(ctx, written, head.version);
    } catch (again) {
      if (!(again instanceof PreconditionFailedError)) throw again;
      error = again;
    }
  }
}

export function addEditCommand(program: Command, deps: CliDeps): void {
  withWriteOptions(
    program.command('edit').description('edit the current document in $VISUAL/$EDITOR; it is validated before it is sent'),
  ).action(async (options: WriteOptions, command: Command) => {
    const ctx = commandContext(command, deps);
    const message = parseMessage(options.message);
    const force = parseForce(options);
    const set = ctx.set();
    const client = ctx.client();
    const { ifMatch, before } = await baseForWrite(ctx, set, {
      message,
      ...(options.ifVersion ? { ifVersion: options.ifVersion } : {}),
    });
    const opened = before ?? (await client.getVersion(set, ctx.scope.readVersion!));
    const dir = await mkdtemp(join(tmpdir(), 'livetune-edit-'));
    const file = join(dir, `${set}.v${opened.version}.json`);
    let keep = false;
    try {
      await writeFile(file, `${JSON.stringify(opened.params, null, 2)}\n`, { mode: 0o600 });
      const doc = await editUntilValid(ctx, file);
      if (diffParams(opened.params, doc.params).length === 0) {
        if (ctx.json) return ctx.outJson({ ...opened, unchanged: true });
        return ctx.out(`no changes to ${set} v${opened.version}; nothing was sent`);
      }
      try {
        const signature = await signatureFor(ctx, options, async () => ({ set, head: opened, params: doc.raw, message }));
        reportWrite(ctx, await client.putParams(set, { params: doc.raw, message, force, signature }, { ifMatch }), opened);
      } catch (error) {
        // The edit is work the operator should not lose to a 412 or an outage: keep the file.
        keep = true;
        ctx.note(`your edited document is kept at ${file}`);
        if (!(error instanceof PreconditionFailedError)) throw error;
        await reapplyChanges(ctx, set, opened, doc.params, message, error, options);
        keep = false;
      }
    } finally {
      if (!keep) await rm(dir, { recursive: true, force: true });
    }
  });
}
