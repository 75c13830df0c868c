/**
 * What every write shares: a required reason (`-m`, the audit trail is only useful with reasons),
 * an optional `--if-version` guard for scripts that read earlier, `--force "why"` to pass the set
 * policy's step limit on purpose, `--key FILE` to sign it (docs/SIGNING.md), and the report of what
 * changed.
 */
import type { Command } from 'commander';
import { type Force, MessageSchema, type Version } from '../shared/api.ts';
import { etagFor } from '../shared/etag.ts';
import { diffParams } from '../shared/merge-patch.ts';
import { signedParentOf, signWrite, type WriteToSign } from '../shared/signing/sign-write.ts';
import type { WriteSignature } from '../shared/signing/version-signature.ts';
import { validateParams } from '../shared/validate-params.ts';
import type { Tagged } from '../client/edge-client.ts';
import type { CommandContext } from './command-context.ts';
import { formatChanges, versionSummary } from './format-version.ts';
import { parseVersionArg } from './parse-version-arg.ts';
import { SIGNING_KEY_ENV, signingKeyFrom } from './signing-key.ts';
import { UsageError } from './usage-error.ts';

export interface WriteOptions {
  message: string;
  ifVersion?: string;
  force?: string;
  /** `--key FILE`: sign the write (else `LIVETUNE_SIGNING_KEY`, else unsigned). */
  key?: string;
}

/** `--no-local-check`: for an edge whose schema is newer than this CLI's (it validates anyway). */
export interface CheckOption {
  localCheck: boolean;
}

export function withLocalCheckOption(command: Command): Command {
  return command.option(
    '--no-local-check',
    'send without checking the schema here (the edge still validates: for an edge newer than this CLI)',
  );
}

export function withWriteOptions(command: Command): Command {
  return command
    .requiredOption('-m, --message <why>', 'why this change (required: it is the audit trail)')
    .option('--if-version <n>', 'write only if the set is still at version n (fails with 412 otherwise)')
    .option(
      '--force <why>',
      "let a size move further than the set policy's max_step_ratio in one write; why (kept in the version). Caps still apply",
    )
    .option('--key <file>', `sign the write with this private key file (default: $${SIGNING_KEY_ENV}; livetune keys generate)`);
}

/**
 * The `signature` of a write made on `head` that stores `params`, when a key is given (`--key` or
 * `LIVETUNE_SIGNING_KEY`); undefined otherwise. `head` is the version the write's If-Match names.
 */
export async function signatureFor(
  ctx: CommandContext,
  options: Pick<WriteOptions, 'key'>,
  /** What is signed; called only when there is a key (it may have to read the parent or target). */
  describe: () => Promise<Omit<WriteToSign, 'params'> & { params: unknown }>,
): Promise<WriteSignature | undefined> {
  const signer = await signingKeyFrom(options.key, ctx.io.env);
  if (signer === undefined) return undefined;
  const write = await describe();
  // What the hub will store: the document with its defaults (a patch is merged by the caller).
  const validation = validateParams(write.params);
  if (!validation.ok)
    throw new UsageError('a signed write needs a document this CLI can validate (nothing was sent)', validation.issues);
  const parent = write.head === undefined ? undefined : await signedParent(ctx, write.set, write.head);
  return signWrite({ ...write, head: parent, params: validation.params }, signer);
}

/** The version a signed write made on `head` will follow (`signedParentOf`: a candidate in flight). */
async function signedParent(ctx: CommandContext, set: string, head: Version): Promise<Version> {
  return signedParentOf(head, (await ctx.client().listVersions(set, { limit: 1 })).versions[0]);
}

/** `--force "why"` as the body's `force`, or undefined without the flag. */
export function parseForce(options: WriteOptions): Force | undefined {
  if (options.force === undefined) return undefined;
  const result = MessageSchema.safeParse(options.force);
  if (!result.success)
    throw new UsageError(
      `--force: ${result.error.issues[0]?.message ?? 'invalid'}: say why so large a step is meant (1 to 500 characters)`,
    );
  return { message: result.data };
}

export function parseMessage(text: string): string {
  const result = MessageSchema.safeParse(text);
  if (!result.success)
    throw new UsageError(`-m/--message: ${result.error.issues[0]?.message ?? 'invalid'} (1 to 500 characters)`);
  return result.data;
}

/** The version to write on top of: the one named by `--if-version`, else the current one, read now. */
export async function baseForWrite(
  ctx: CommandContext,
  set: string,
  options: WriteOptions,
): Promise<{ ifMatch: string; before: Version | undefined; signedOn: () => Promise<Version> }> {
  ctx.scope.write = true;
  if (options.ifVersion !== undefined) {
    const version = parseVersionArg(options.ifVersion, '--if-version');
    ctx.scope.readVersion = version;
    // A tag names the set's lineage too: the current one's (the edge answers 412 unless the set is still at n).
    const current = (await ctx.client().current(set)).version;
    const ifMatch = etagFor(set, current.lineage, version);
    // A signed write signs its parent: version n itself (the write fails with 412 unless it is the head).
    const signedOn = async () => (current.version === version ? current : ctx.client().getVersion(set, version));
    return { ifMatch, before: undefined, signedOn };
  }
  const current = await ctx.client().current(set);
  ctx.scope.readVersion = current.version.version;
  return { ifMatch: current.etag, before: current.version, signedOn: async () => current.version };
}

/** Prints the new version: JSON (with its ETag) for scripts, else its summary and what changed. */
export function reportWrite(ctx: CommandContext, written: Tagged, before: Version | undefined): void {
  if (ctx.json) return ctx.outJson({ ...written.version, etag: written.etag, ...(written.unchanged ? { unchanged: true } : {}) });
  if (written.unchanged)
    return ctx.out(`${written.version.set} is already at those values (v${written.version.version}); no version was made`);
  const was = before ? ` (was v${before.version})` : '';
  const changes = before ? formatChanges(diffParams(before.params, written.version.params)) : '';
  ctx.out(`${versionSummary(written.version)}${was}\n${changes}`);
}
