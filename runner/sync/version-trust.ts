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
 */
import type { Version } from '../../shared/api.ts';
import type { Params } from '../../shared/params-schema.ts';
import type { TrustedKey } from '../../shared/signing/key-schemas.ts';
import { paramsDigest } from '../../shared/signing/signed-change.ts';
import { type SignatureCheck, verifyVersion } from '../../shared/signing/verify-version.ts';

/** What the runner holds, as far as the parent check needs it. */
export interface HeldVersion {
  lineage: string | null;
  version: number | null;
  params: Params | null;
}

export class VersionTrust {
  readonly keys: readonly TrustedKey[];
  /** The held params' digest, by the object (a snapshot's params are frozen and replaced whole). */
  #digest: { params: Params; digest: Promise<string> } | null = null;

  constructor(keys: readonly TrustedKey[]) {
    this.keys = keys;
  }

  async check(version: Version, held: HeldVersion): Promise<SignatureCheck> {
    const signed = await verifyVersion(version, this.keys);
    if (!signed.ok) return signed;
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

  #digestOf(params: Params): Promise<string> {
    if (this.#digest?.params !== params) this.#digest = { params, digest: paramsDigest(params) };
    return this.#digest.digest;
  }
}
