/**
 * `apply -f file.json -m why`: replace the whole document (PUT). The set is created (If-None-Match: *)
 * with `--create` or when it does not exist yet; otherwise the write is a compare-and-swap on the
 * version just read, so a concurrent change is never overwritten silently.
 */
import type { Command } from 'commander';
import { diffParams } from '../../shared/merge-patch.ts';
import { NotFoundError } from '../../client/edge-errors.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { parseDocument, readInputFile } from '../load-document.ts';
import { UsageError } from '../usage-error.ts';
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

interface ApplyOptions extends WriteOptions, CheckOption {
  file: string;
  create?: boolean;
}

async function readSource(ctx: CommandContext, file: string): Promise<string> {
  if (file === '-') {
    if (!ctx.io.readStdin) throw new UsageError('-f -: standard input is not available here');
    return ctx.io.readStdin();
  }
  return readInputFile(file, '-f');
}

export function addApplyCommand(program: Command, deps: CliDeps): void {
  withLocalCheckOption(
    withWriteOptions(
      program
        .command('apply')
        .description('replace the whole params document from a JSON file; creates the set if it does not exist')
        .requiredOption('-f, --file <file.json>', 'the params document ("-" reads standard input)')
        .option('--create', 'create the set (fails with 412 if it already exists)'),
    ),
  ).action(async (options: ApplyOptions, command: Command) => {
    const ctx = commandContext(command, deps);
    const doc = parseDocument(await readSource(ctx, options.file), options.file, { check: options.localCheck });
    const message = parseMessage(options.message);
    const force = parseForce(options);
    const set = ctx.set();
    const client = ctx.client();
    const create = async () => {
      ctx.scope.write = true;
      ctx.scope.creating = true;
      const signature = await signatureFor(ctx, options, async () => ({ set, head: undefined, params: doc.raw, message }));
      reportWrite(ctx, await client.putParams(set, { params: doc.raw, message, force, signature }, { create: true }), undefined);
    };
    if (options.create) return create();
    let base: Awaited<ReturnType<typeof baseForWrite>>;
    try {
      base = await baseForWrite(ctx, set, options);
    } catch (error) {
      if (error instanceof NotFoundError) return create();
      throw error;
    }
    if (base.before && diffParams(base.before.params, doc.params).length === 0) {
      if (ctx.json) return ctx.outJson({ ...base.before, unchanged: true });
      return ctx.out(`${set} v${base.before.version} already equals ${options.file}; nothing was sent`);
    }
    const signature = await signatureFor(ctx, options, async () => ({
      set,
      head: await base.signedOn(),
      params: doc.raw,
      message,
    }));
    reportWrite(
      ctx,
      await client.putParams(set, { params: doc.raw, message, force, signature }, { ifMatch: base.ifMatch }),
      base.before,
    );
  });
}
