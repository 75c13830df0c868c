/**
 * What the current trusted keys sign to change a set's signing policy: the new key list, threshold
 * and signature mode, bound to the set, its lineage and the policy version it will become. The hub
 * takes such a change only with approvals by `threshold` distinct current keys (k of n), so one
 * stolen key cannot replace the others; a runner can check the same approvals to follow a rotation.
 *
 * Signed bytes: UTF-8 of `canonicalJson({ "domain": "livetune.keys.v1", "set", "lineage",
 * "policy_version", "keys": [{ "name", "public_key" }, …] (in the policy's order), "threshold",
 * "signatures" })`.
 */
import { z } from 'zod';
import { canonicalJson } from './canonical-json.ts';
import { importVerifyKey, verifyBytes } from './ed25519.ts';
import { KeyNameSchema, MAX_TRUSTED_KEYS, SignatureValueSchema, type TrustedKey } from './key-schemas.ts';

export const KEYS_DOMAIN = 'livetune.keys.v1';

/** One current key's approval of a key-list change. */
export const ApprovalSchema = z.strictObject({ key: KeyNameSchema, value: SignatureValueSchema });
export type Approval = z.infer<typeof ApprovalSchema>;
export const ApprovalsSchema = z.array(ApprovalSchema).max(MAX_TRUSTED_KEYS);

export interface KeyListChange {
  set: string;
  lineage: string;
  /** The policy version this change becomes (current + 1). */
  policy_version: number;
  keys: readonly TrustedKey[];
  threshold: number;
  signatures: 'required' | 'optional';
}

export function keyListChangeBytes(change: KeyListChange): Uint8Array<ArrayBuffer> {
  const { set, lineage, policy_version, keys, threshold, signatures } = change;
  const text = canonicalJson({
    domain: KEYS_DOMAIN,
    set,
    lineage,
    policy_version,
    keys: keys.map(({ name, public_key }) => ({ name, public_key })),
    threshold,
    signatures,
  });
  return new Uint8Array(new TextEncoder().encode(text));
}

/** Whether two policies trust the same keys the same way (a change of either needs approvals). */
export function sameKeyList(
  a: Pick<KeyListChange, 'keys' | 'threshold' | 'signatures'>,
  b: Pick<KeyListChange, 'keys' | 'threshold' | 'signatures'>,
): boolean {
  const list = (p: typeof a) =>
    canonicalJson([p.keys.map(({ name, public_key }) => ({ name, public_key })), p.threshold, p.signatures]);
  return list(a) === list(b);
}

export type ApprovalCheck = { ok: true; approvedBy: string[] } | { ok: false; reason: string };

/**
 * Whether `approvals` hold valid signatures of `change` by at least `threshold` distinct keys of
 * `current`. Approvals by unknown keys or with bad signatures are named in the refusal.
 */
export async function checkApprovals(
  change: KeyListChange,
  approvals: readonly Approval[],
  current: { keys: readonly TrustedKey[]; threshold: number },
): Promise<ApprovalCheck> {
  const bytes = keyListChangeBytes(change);
  const approvedBy = new Set<string>();
  const problems: string[] = [];
  for (const approval of approvals) {
    const key = current.keys.find((k) => k.name === approval.key);
    if (key === undefined) {
      problems.push(`key ${JSON.stringify(approval.key)} is not a current trusted key`);
      continue;
    }
    if (await verifyBytes(await importVerifyKey(key.public_key), approval.value, bytes)) approvedBy.add(key.name);
    else problems.push(`the approval by ${JSON.stringify(key.name)} does not sign this change`);
  }
  if (approvedBy.size >= current.threshold) return { ok: true, approvedBy: [...approvedBy] };
  const names = current.keys.map((k) => k.name).join(', ');
  return {
    ok: false,
    reason: `approvals: changing the trusted keys, threshold or signature mode needs valid approvals by ${current.threshold} of the current keys (${names}); got ${approvedBy.size}${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`,
  };
}
