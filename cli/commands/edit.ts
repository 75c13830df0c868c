/**
 * `edit -m why`: the current document in $VISUAL/$EDITOR; on save it is validated before anything is
 * sent (an invalid document re-opens the editor, or aborts), then written with If-Match on the
 * version that was opened, so a change made meanwhile by someone else is not overwritten.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { diffParams } from '../../shared/merge-patch.ts';
import { spawnEditor } from '../cli-io.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { parseDocument, type LoadedDocument } from '../load-document.ts';
import { renderError } from '../render-error.ts';
import { UsageError } from '../usage-error.ts';
import { baseForWrite, parseMessage, reportWrite, withWriteOptions, type WriteOptions } from '../write-options.ts';

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

export function addEditCommand(program: Command, deps: CliDeps): void {
  withWriteOptions(
    program.command('edit').description('edit the current document in $VISUAL/$EDITOR; it is validated before it is sent'),
  ).action(async (options: WriteOptions, command: Command) => {
    const ctx = commandContext(command, deps);
    const message = parseMessage(options.message);
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
        reportWrite(ctx, await client.putParams(set, { params: doc.raw, message }, { ifMatch }), opened);
      } catch (error) {
        // The edit is work the operator should not lose to a 412 or an outage: keep the file.
        keep = true;
        ctx.note(`your edited document is kept at ${file} (livetune apply -f ${file} -m "…" once you have looked)`);
        throw error;
      }
    } finally {
      if (!keep) await rm(dir, { recursive: true, force: true });
    }
  });
}
