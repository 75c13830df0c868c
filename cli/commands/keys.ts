/**
 * `keys`: operator signing keys (docs/SIGNING.md). `keys generate --name alice` writes a new Ed25519
 * private key file (mode 0600, never overwriting one) and prints its public half; `keys list` shows
 * the keys the set's policy trusts; `keys add` / `keys remove` change that list (admin token), with
 * approvals by the current keys (`--key FILE` per approver) once the set trusts any.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { SetPolicy } from '../../shared/policy-schema.ts';
import { generateKeyPair } from '../../shared/signing/ed25519.ts';
import { KEY_NAME_RULE, KeyNameSchema, PublicKeySchema, type TrustedKey } from '../../shared/signing/key-schemas.ts';
import { commandContext, type CliDeps, type CommandContext } from '../command-context.ts';
import { formatTable } from '../format-table.ts';
import { approvalsFor } from '../policy-approvals.ts';
import { UsageError } from '../usage-error.ts';
import { parseMessage } from '../write-options.ts';

function keyName(name: string): string {
  if (!KeyNameSchema.safeParse(name).success)
    throw new UsageError(`--name ${JSON.stringify(name)} is not a key name: ${KEY_NAME_RULE}`);
  return name;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface KeyListOptions {
  message: string;
  key?: string[];
  threshold?: string;
}

/** Writes `next` (keys changed by `edit`) as the set's policy, signed by the approvers given. */
async function changeKeys(
  ctx: CommandContext,
  options: KeyListOptions,
  edit: (keys: TrustedKey[]) => TrustedKey[],
): Promise<void> {
  const message = parseMessage(options.message);
  const set = ctx.set();
  const client = ctx.client();
  ctx.scope.write = true;
  ctx.scope.admin = true;
  const current = await client.getPolicy(set);
  const keys = edit([...current.policy.policy.keys]);
  let threshold = Math.min(current.policy.policy.threshold, Math.max(1, keys.length));
  if (options.threshold !== undefined) {
    threshold = Number(options.threshold);
    if (!Number.isInteger(threshold) || threshold < 1 || threshold > Math.max(1, keys.length))
      throw new UsageError(
        `--threshold ${JSON.stringify(options.threshold)}: expected a whole number from 1 to ${keys.length} (the keys)`,
      );
  }
  const next: SetPolicy = { ...current.policy.policy, keys, threshold };
  const approvals = await approvalsFor(ctx, current.policy, next, options.key ?? []);
  const written = await client.putPolicy(set, { ...next, message, ...(approvals ? { approvals } : {}) }, current.etag);
  if (ctx.json) return ctx.outJson({ ...written.policy, etag: written.etag });
  ctx.out(
    `${set} policy v${written.policy.version}: trusts ${keys.map((k) => k.name).join(', ') || 'no key'} (${threshold} of ${keys.length} to change them); signatures ${next.signatures}`,
  );
}

export function addKeysCommand(program: Command, deps: CliDeps): void {
  const keys = program.command('keys').description('operator signing keys: generate one, list and change the keys a set trusts');

  keys
    .command('generate')
    .description('write a new Ed25519 private key file (mode 0600) and print its public key')
    .requiredOption('--name <name>', `the key's name, as policies and runners will know it (${KEY_NAME_RULE})`)
    .option('--out <file>', 'where to write the private key (default: <name>.livetune-key.json; never overwritten)')
    .action(async (options: { name: string; out?: string }, command: Command) => {
      const ctx = commandContext(command, deps);
      const name = keyName(options.name);
      const out = options.out ?? `${name}.livetune-key.json`;
      const pair = await generateKeyPair();
      try {
        // 'wx': an existing key is never replaced (it may be the only copy); 0600: only its owner reads it.
        await writeFile(out, `${JSON.stringify({ name, ...pair }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST')
          throw new UsageError(`--out ${out} exists: a key file is never overwritten (choose another --out)`);
        throw new UsageError(`cannot write --out ${out}: ${code ?? (error as Error).message}`);
      }
      ctx.outJson({ name, public_key: pair.public_key });
      if (!ctx.json) ctx.note(`private key written to ${out} (mode 600): keep it secret; share the public key above`);
    });

  keys
    .command('list')
    .description("the keys the set's policy trusts, its threshold and whether signatures are required")
    .action(async (_options: object, command: Command) => {
      const ctx = commandContext(command, deps);
      const { policy } = await ctx.client().getPolicy(ctx.set());
      const { keys: trusted, threshold, signatures } = policy.policy;
      if (ctx.json) return ctx.outJson({ set: policy.set, policy_version: policy.version, signatures, threshold, keys: trusted });
      ctx.out(
        `${policy.set} policy v${policy.version}: signatures ${signatures}; ${threshold} of ${trusted.length} key(s) to change the list\n${formatTable(
          ['NAME', 'PUBLIC KEY'],
          trusted.map((k) => [k.name, k.public_key]),
        )}`,
      );
    });

  keys
    .command('add')
    .description('trust another key (admin token; approvals by the current keys once the set trusts any)')
    .requiredOption('--name <name>', 'the new key name')
    .requiredOption('--public-key <base64url>', 'its public key, as keys generate printed it')
    .requiredOption('-m, --message <why>', 'why (the audit trail)')
    .option('--threshold <k>', 'keys needed to change the list from now on (default: unchanged)')
    .option('--key <file>', 'approve with this current key (repeat once per approver)', collect)
    .action(async (options: KeyListOptions & { name: string; publicKey: string }, command: Command) => {
      const ctx = commandContext(command, deps);
      const name = keyName(options.name);
      if (!PublicKeySchema.safeParse(options.publicKey).success)
        throw new UsageError(
          `--public-key ${JSON.stringify(options.publicKey)}: expected the base64url of 32 raw bytes (43 characters)`,
        );
      await changeKeys(ctx, options, (list) => {
        if (list.some((k) => k.name === name)) throw new UsageError(`--name ${name}: the set already trusts a key of that name`);
        return [...list, { name, public_key: options.publicKey }];
      });
    });

  keys
    .command('remove')
    .description('stop trusting a key (admin token; approvals by the current keys)')
    .requiredOption('--name <name>', 'the key to remove')
    .requiredOption('-m, --message <why>', 'why (the audit trail)')
    .option('--threshold <k>', 'keys needed to change the list from now on (default: unchanged, at most the keys left)')
    .option('--key <file>', 'approve with this current key (repeat once per approver)', collect)
    .action(async (options: KeyListOptions & { name: string }, command: Command) => {
      const ctx = commandContext(command, deps);
      await changeKeys(ctx, options, (list) => {
        if (!list.some((k) => k.name === options.name))
          throw new UsageError(
            `--name ${options.name}: the set trusts no such key (trusted: ${list.map((k) => k.name).join(', ') || 'none'})`,
          );
        return list.filter((k) => k.name !== options.name);
      });
    });
}
