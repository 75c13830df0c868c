/**
 * k of n for the key list: a policy write that changes the trusted keys, the threshold or the
 * signature mode of a set that already trusts keys needs approvals by `threshold` distinct current
 * keys over the new list (`shared/signing/key-list-change.ts`). An admin token alone can therefore
 * not swap the operators' keys for its own, and neither can one stolen key when the threshold is
 * above one. The first key list of a set (no keys yet) is the admin's word: trust on first use,
 * said so in docs/SIGNING.md. Other policy fields (caps, step limit) change with the admin token.
 */
import type { Version } from '../../shared/api.ts';
import type { PolicyVersion } from '../../shared/policy-schema.ts';
import { type Approval, checkApprovals, sameKeyList } from '../../shared/signing/key-list-change.ts';
import { fail, ok, type HubResult } from './hub-result.ts';

/** The new policy version (with its approvals stored), or a 422 naming `approvals`. */
export async function checkKeyListChange(
  next: PolicyVersion,
  current: PolicyVersion,
  head: Version,
  approvals: Approval[] | undefined,
): Promise<HubResult<PolicyVersion>> {
  if (current.policy.keys.length === 0 || sameKeyList(current.policy, next.policy)) return ok(next);
  const change = {
    set: next.set,
    lineage: head.lineage,
    policy_version: next.version,
    keys: next.policy.keys,
    threshold: next.policy.threshold,
    signatures: next.policy.signatures,
  };
  const check = await checkApprovals(change, approvals ?? [], current.policy);
  if (!check.ok)
    return fail({
      status: 422,
      code: 'validation_failed',
      message: `policy rejected: ${check.reason} (sign it: livetune policy … --key FILE, by each approver)`,
      fields: [
        {
          field: 'approvals',
          ...(approvals !== undefined ? { value: approvals } : {}),
          expected: `approvals by ${current.policy.threshold} of the current keys of policy version ${current.version} over keys, threshold and signatures of policy version ${next.version}, lineage ${head.lineage}`,
          message: check.reason,
        },
      ],
      details: { policy_version: current.version },
    });
  return ok({ ...next, approvals: approvals ?? [] });
}
