/**
 * Verifying a version's signature against a list of trusted keys: the one check the edge (on a
 * write, against the set policy) and the runner (on receipt and on loading its cache, against its
 * `--trusted-keys`) share. The outcome says why a version fails, in words that name the field, for
 * the 422 and the NACK.
 */
import type { Version } from '../api.ts';
import { importVerifyKey, type KeyHandle, verifyBytes } from './ed25519.ts';
import type { TrustedKey } from './key-schemas.ts';
import { signedChangeBytes, signedChangeOf } from './signed-change.ts';
import type { VersionSignature } from './version-signature.ts';

export type SignatureCheck = { ok: true; key: TrustedKey } | { ok: false; reason: string };

/** Imported verify keys by public key text: importing is most of a verification's cost. */
const imported = new Map<string, Promise<KeyHandle>>();
const MAX_IMPORTED = 256;

function verifyKey(publicKey: string): Promise<KeyHandle> {
  let key = imported.get(publicKey);
  if (key === undefined) {
    if (imported.size >= MAX_IMPORTED) imported.clear();
    key = importVerifyKey(publicKey);
    // A failed import must not stay cached.
    key.catch(() => imported.delete(publicKey));
    imported.set(publicKey, key);
  }
  return key;
}

/**
 * Whether `version` carries a signature by one of `keys` over exactly its signed fields, and its
 * number is its parent's + 1. `signature` defaults to the version's own.
 */
export async function verifyVersion(
  version: Version,
  keys: readonly TrustedKey[],
  signature: VersionSignature | undefined = version.signature,
): Promise<SignatureCheck> {
  const where = `version ${version.version}`;
  if (signature === undefined)
    return { ok: false, reason: `signature: ${where} is unsigned; a signature by a trusted key is required` };
  if (version.version !== version.parent + 1)
    return {
      ok: false,
      reason: `signature: ${where} names parent ${version.parent}; a signed version is always its parent + 1`,
    };
  const key = keys.find((k) => k.name === signature.key);
  if (key === undefined)
    return {
      ok: false,
      reason: `signature: ${where} is signed by key ${JSON.stringify(signature.key)}, which is not trusted (trusted: ${keys.map((k) => k.name).join(', ') || 'none'})`,
    };
  const valid = await verifyBytes(
    await verifyKey(key.public_key),
    signature.value,
    signedChangeBytes(signedChangeOf(version, signature)),
  );
  if (!valid)
    return {
      ok: false,
      reason: `signature: ${where}'s signature by key ${JSON.stringify(key.name)} does not match its content (set, lineage, number, parent, params, kind, rollback target, message)`,
    };
  return { ok: true, key };
}
