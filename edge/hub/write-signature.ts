/**
 * The hub's check of a write's signature against the set policy (defense in depth: runners verify
 * on their own and never rely on it). The version the hub is about to commit is what the signer
 * must have signed — its number is the head's + 1 and its parent digest is the hub's head — so a
 * signature made on another history, another parent or another document fails here. A set whose
 * policy says `signatures: required` takes no unsigned write; a signature by a key the policy does
 * not trust is refused whatever the mode, as is one that does not verify. A policy with no keys
 * (every set's first) checks nothing: the signature is stored as sent, for the runners to verify.
 */
import type { Version } from '../../shared/api.ts';
import type { PolicyVersion } from '../../shared/policy-schema.ts';
import { paramsDigest } from '../../shared/signing/signed-change.ts';
import { verifyVersion } from '../../shared/signing/verify-version.ts';
import type { WriteSignature } from '../../shared/signing/version-signature.ts';
import type { ApiErrorInit } from '../errors/api-error.ts';
import { fail, ok, type HubResult } from './hub-result.ts';

function refused(field: string, value: unknown, expected: string, message: string, policy: PolicyVersion): ApiErrorInit {
  return {
    status: 422,
    code: 'validation_failed',
    message: `${message} (policy version ${policy.version})`,
    fields: [{ field, ...(value !== undefined ? { value } : {}), expected, message }],
    details: { policy_version: policy.version },
  };
}

/** The version with its signature attached, or the 422 that names `signature`. */
export async function checkWriteSignature(
  version: Version,
  head: Version | undefined,
  signature: WriteSignature | undefined,
  policy: PolicyVersion,
): Promise<HubResult<Version>> {
  const { signatures, keys } = policy.policy;
  const names = keys.map((k) => k.name).join(', ') || 'none';
  if (signature === undefined) {
    if (signatures === 'optional') return ok(version);
    return fail(
      refused(
        'signature',
        undefined,
        `a signature by one of the set's trusted keys (${names})`,
        `signature: set "${version.set}" requires signed writes, and this write is unsigned (sign it: livetune … --key FILE)`,
        policy,
      ),
    );
  }
  if (head !== undefined && signature.lineage !== undefined && signature.lineage !== head.lineage)
    return fail(
      refused(
        'signature.lineage',
        signature.lineage,
        `absent, or the set's lineage ${JSON.stringify(head.lineage)} (a lineage is chosen only when a set is created)`,
        `signature.lineage = ${JSON.stringify(signature.lineage)} is not set "${version.set}"'s lineage`,
        policy,
      ),
    );
  const stored = {
    key: signature.key,
    value: signature.value,
    parent_digest: head === undefined ? null : await paramsDigest(head.params),
  };
  // A policy that trusts no key yet (every new set: its policy can only be written once it exists)
  // has nothing to check against; the signature is stored for the runners, which verify it.
  if (keys.length === 0) return ok({ ...version, signature: stored });
  if (!keys.some((k) => k.name === signature.key))
    return fail(
      refused(
        'signature.key',
        signature.key,
        `one of the set's trusted keys (${names})`,
        `signature: key ${JSON.stringify(signature.key)} is not trusted by set "${version.set}"'s policy (trusted: ${names})`,
        policy,
      ),
    );
  const signed: Version = { ...version, signature: stored };
  const check = await verifyVersion(signed, keys);
  if (!check.ok)
    return fail(
      refused(
        'signature',
        signature.value,
        `a signature by ${JSON.stringify(signature.key)} of exactly this change: version ${version.version} on parent ${version.parent} of lineage ${version.lineage}, the stored params, kind, rollback target and message`,
        `${check.reason}; it was made for another change, parent or document`,
        policy,
      ),
    );
  return ok(signed);
}
