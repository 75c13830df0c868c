/**
 * What a runner started with `--trusted-keys` accepts from its edge: only versions signed by one of
 * those keys over exactly their content (`shared/signing/verify-version.ts`), whose number is their
 * parent's + 1, and — when the runner holds that parent (same lineage, number `parent`) — whose
 * signed parent digest is the digest of the params it holds. Runners skip versions all the time, so
 * a version whose parent the runner never held is judged by its signature alone (DESIGN "Signed
 * versions"); "only forward" is the applier's rule, as for any version.
 *
 * The edge is not trusted here at all: a version the edge (or a proxy) altered, made up or
 * stripped of its signature fails, and the applier keeps the held params and NACKs `signature`.
 *
 * A version signed by a key the runner does not know may follow a key rotation: the runner reads
 * the set's policy history once for that version (`policyHistory`) and adopts only key lists that
 * its current keys approved, k of n (`key-ring.ts`); then it verifies again. After each version it
 * accepts it also reads the history in the background (not delaying the swap), so a key removed
 * from the policy stops being trusted before the next version arrives.
 */
import type { Version } from '../../shared/api.ts';
import type { PolicyVersion } from '../../shared/policy-schema.ts';
import type { Params } from '../../shared/params-schema.ts';
import type { TrustedKey } from '../../shared/signing/key-schemas.ts';
import { paramsDigest } from '../../shared/signing/signed-change.ts';
import { type SignatureCheck, verifyVersion } from '../../shared/signing/verify-version.ts';
import { type FollowOutcome, KeyRing } from './key-ring.ts';

/** What the runner holds, as far as the parent check needs it. */
export interface HeldVersion {
  lineage: string | null;
  version: number | null;
  params: Params | null;
}

export interface VersionTrustOptions {
  /** Key-list approvals needed to follow a rotation (the file's `threshold`; default a majority). */
  threshold?: number | undefined;
  /** The set's policy history from the edge; absent: the keys never change. */
  policyHistory?: (() => Promise<readonly PolicyVersion[]>) | undefined;
  /** Told when the ring adopts or refuses a key list (logs). */
  onKeysFollowed?: (outcome: FollowOutcome) => void;
}

export class VersionTrust {
  readonly #ring: KeyRing;
  readonly #policyHistory: (() => Promise<readonly PolicyVersion[]>) | undefined;
  readonly #onKeysFollowed: (outcome: FollowOutcome) => void;
  /** The last version that made the runner read the policy: one read per version, not per answer. */
  #refreshedFor: string | null = null;
  /** Walks of the policy history, one at a time (each judges approvals against the ring it finds). */
  #following: Promise<unknown> = Promise.resolve();
  /** The held params' digest, by the object (a snapshot's params are frozen and replaced whole). */
  #digest: { params: Params; digest: Promise<string> } | null = null;

  constructor(keys: readonly TrustedKey[], { threshold, policyHistory, onKeysFollowed = () => {} }: VersionTrustOptions = {}) {
    this.#ring = new KeyRing(keys, threshold);
    this.#policyHistory = policyHistory;
    this.#onKeysFollowed = onKeysFollowed;
  }

  get keys(): readonly TrustedKey[] {
    return this.#ring.keys;
  }

  async check(version: Version, held: HeldVersion): Promise<SignatureCheck> {
    let signed = await verifyVersion(version, this.#ring.keys);
    if (!signed.ok && (await this.#followRotation(version))) signed = await verifyVersion(version, this.#ring.keys);
    if (!signed.ok) return signed;
    this.#followInBackground(version);
    const parentDigest = version.signature!.parent_digest;
    if (held.params !== null && held.lineage === version.lineage && held.version === version.parent) {
      if (parentDigest === null || parentDigest !== (await this.#digestOf(held.params)))
        return {
          ok: false,
          reason: `signature: version ${version.version} was signed on a parent v${version.parent} whose params differ from the v${version.parent} this runner holds (another history, or a forged parent)`,
        };
    }
    return signed;
  }

  /** For a version by an unknown key: reads the policy history once and follows approved rotations. */
  async #followRotation(version: Version): Promise<boolean> {
    const key = version.signature?.key;
    if (!this.#policyHistory || key === undefined || this.#ring.keys.some((k) => k.name === key)) return false;
    const id = `${version.lineage}/${version.version}/${key}`;
    if (this.#refreshedFor === id) return false;
    this.#refreshedFor = id;
    try {
      return (await this.#follow(version.lineage)).kind === 'adopted';
    } catch {
      // No history, no rotation: the version stays rejected, and the next one asks again.
      this.#refreshedFor = null;
      return false;
    }
  }

  /** After an accepted version: the policy read again, off the swap's path; failures change nothing. */
  #followInBackground(version: Version): void {
    if (!this.#policyHistory) return;
    const id = `${version.lineage}/${version.version}/accepted`;
    if (this.#refreshedFor === id) return;
    this.#refreshedFor = id;
    this.#follow(version.lineage).catch(() => undefined);
  }

  #follow(lineage: string): Promise<FollowOutcome> {
    const run = this.#following.then(async () => {
      const outcome = await this.#ring.follow(await this.#policyHistory!(), lineage);
      if (outcome.kind !== 'unchanged') this.#onKeysFollowed(outcome);
      return outcome;
    });
    this.#following = run.catch(() => undefined);
    return run;
  }

  /** Resolves when the policy reads started so far are done (tests, shutdown). */
  async idle(): Promise<void> {
    await this.#following;
  }

  #digestOf(params: Params): Promise<string> {
    if (this.#digest?.params !== params) this.#digest = { params, digest: paramsDigest(params) };
    return this.#digest.digest;
  }
}
