/**
 * Approvals of a key-list change from the CLI: each `--key FILE` given signs the new key list,
 * threshold and signature mode as the policy version it will become (`shared/signing/
 * key-list-change.ts`). Needed only when the current policy trusts keys and the change touches
 * them; the edge counts the approvals by current keys and refuses fewer than the threshold.
 */
import type { PolicyVersion, SetPolicy } from '../shared/policy-schema.ts';
import { approveKeyList } from '../shared/signing/approve-key-list.ts';
import { type Approval, sameKeyList } from '../shared/signing/key-list-change.ts';
import type { CommandContext } from './command-context.ts';
import { signingKeyFrom } from './signing-key.ts';
import { UsageError } from './usage-error.ts';

export async function approvalsFor(
  ctx: CommandContext,
  current: PolicyVersion,
  next: SetPolicy,
  keyFiles: readonly string[],
): Promise<Approval[] | undefined> {
  if (current.policy.keys.length === 0 || sameKeyList(current.policy, next)) return undefined;
  if (keyFiles.length === 0)
    throw new UsageError(
      `changing the trusted keys, threshold or signature mode needs approvals by ${current.policy.threshold} of the current keys (${current.policy.keys.map((k) => k.name).join(', ')}): pass --key FILE once per approver (nothing was sent)`,
    );
  const lineage = (await ctx.client().current(current.set)).version.lineage;
  const change = {
    set: current.set,
    lineage,
    policy_version: current.version + 1,
    keys: next.keys,
    threshold: next.threshold,
    signatures: next.signatures,
  };
  const approvals: Approval[] = [];
  for (const file of keyFiles) {
    const signer = await signingKeyFrom(file, {});
    if (signer === undefined) continue;
    approvals.push(await approveKeyList(change, signer));
  }
  return approvals;
}
