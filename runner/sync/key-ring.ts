/**
 * The keys a runner trusts, and how it follows a rotation without a restart. It starts from its
 * `--trusted-keys` file (its trust anchor) and adopts a later key list only from a set-policy
 * version whose approvals (`shared/signing/key-list-change.ts`) are valid signatures by `threshold`
 * of the keys it trusts at that point — the same k-of-n rule the hub applies, checked here without
 * trusting the edge that served the history. Policy versions are walked in order from the newest
 * one that lists the keys held (or from the start); the first one that changes the keys without
 * enough valid approvals stops the walk (nothing after it is adopted): a compromised edge can
 * withhold a rotation, never make one up.
 */
import type { PolicyVersion } from '../../shared/policy-schema.ts';
import { checkApprovals } from '../../shared/signing/key-list-change.ts';
import type { TrustedKey } from '../../shared/signing/key-schemas.ts';

/** A majority of `n` keys: one stolen key of two or more cannot rotate the others away. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

function sameKeys(a: readonly TrustedKey[], b: readonly TrustedKey[]): boolean {
  const text = (keys: readonly TrustedKey[]) =>
    keys
      .map((k) => `${k.name}:${k.public_key}`)
      .sort()
      .join(',');
  return text(a) === text(b);
}

export type FollowOutcome =
  | { kind: 'unchanged' }
  | { kind: 'adopted'; policyVersion: number; keys: readonly TrustedKey[] }
  | { kind: 'refused'; policyVersion: number; reason: string };

export class KeyRing {
  #keys: readonly TrustedKey[];
  #threshold: number;
  /** The newest policy version whose key list this ring has judged (0: only the file). */
  #policyVersion = 0;

  constructor(keys: readonly TrustedKey[], threshold = majority(keys.length)) {
    this.#keys = keys;
    this.#threshold = Math.min(threshold, keys.length);
  }

  get keys(): readonly TrustedKey[] {
    return this.#keys;
  }

  get threshold(): number {
    return this.#threshold;
  }

  /** Walks `history` (any order) past the versions already judged; adopts approved key lists. */
  async follow(history: readonly PolicyVersion[], lineage: string): Promise<FollowOutcome> {
    let outcome: FollowOutcome = { kind: 'unchanged' };
    let newer = history.filter((p) => p.version > this.#policyVersion).sort((a, b) => a.version - b.version);
    // Start after the newest version that already lists the keys held (a runner restarted with an
    // up-to-date file): the key lists before it were approved by keys this runner may never have had.
    const current = newer.findLastIndex((p) => sameKeys(p.policy.keys, this.#keys));
    if (current >= 0) {
      this.#policyVersion = newer[current]!.version;
      newer = newer.slice(current + 1);
    }
    for (const policy of newer) {
      const { keys, threshold, signatures } = policy.policy;
      if (keys.length === 0 || sameKeys(keys, this.#keys)) {
        this.#policyVersion = policy.version;
        continue;
      }
      const change = { set: policy.set, lineage, policy_version: policy.version, keys, threshold, signatures };
      const check = await checkApprovals(change, policy.approvals ?? [], { keys: this.#keys, threshold: this.#threshold });
      if (!check.ok) return { kind: 'refused', policyVersion: policy.version, reason: check.reason };
      this.#keys = keys;
      this.#threshold = Math.min(threshold, keys.length);
      this.#policyVersion = policy.version;
      outcome = { kind: 'adopted', policyVersion: policy.version, keys };
    }
    return outcome;
  }
}
