/**
 * What an operator's key signs for a params version: the canonical encoding of the change as the
 * operator decided it, bound to the exact history it was made on.
 *
 * The signed bytes are the UTF-8 of `canonicalJson` (RFC 8785 for these values) of
 *
 * ```
 * { "domain": "livetune.version.v1", "set", "lineage", "version", "parent", "parent_digest",
 *   "params", "kind", "rollback_of", "message", "author" }
 * ```
 *
 * - `version` is `parent + 1`: the hub assigns exactly that number or refuses the write, so a signed
 *   change cannot be replayed as another version number, nor onto another history (`lineage`) or
 *   another parent document (`parent_digest`, SHA-256 of the parent's canonical params; null for
 *   the first version).
 * - `params` is the whole document as stored (every key, defaults filled in), never the patch: what
 *   a runner swaps in is what was signed.
 * - `rollback_of` is the rollback target or null; `kind` is `create` | `update` | `rollback`.
 * - `message` is the change message as stored (trimmed); `author` is the signing key's name — the
 *   version's own `author` is the edge's word (the token's name) and is not signed.
 * - `domain` keeps these bytes from ever meaning something else (a key-list approval signs another
 *   domain).
 *
 * `test/fixtures/signing-vectors.json` holds vectors of this encoding; every runtime checks them.
 */
import type { Version, VersionKind } from '../api.ts';
import type { Params } from '../params-schema.ts';
import { canonicalJson } from './canonical-json.ts';

export const VERSION_DOMAIN = 'livetune.version.v1';

/** Every signed field of a params version. */
export interface SignedChange {
  set: string;
  lineage: string;
  version: number;
  parent: number;
  parent_digest: string | null;
  params: Params;
  kind: VersionKind;
  rollback_of: number | null;
  message: string;
  author: string;
}

/** The canonical text of a change (what is signed, before UTF-8). */
export function signedChangeText(change: SignedChange): string {
  const { set, lineage, version, parent, parent_digest, params, kind, rollback_of, message, author } = change;
  // Listed field by field: an extra property on the argument must never slip into the signed bytes.
  return canonicalJson({
    domain: VERSION_DOMAIN,
    set,
    lineage,
    version,
    parent,
    parent_digest,
    params,
    kind,
    rollback_of,
    message,
    author,
  });
}

export function signedChangeBytes(change: SignedChange): Uint8Array<ArrayBuffer> {
  return new Uint8Array(new TextEncoder().encode(signedChangeText(change)));
}

/** The signed change a stored version claims, given its signature's key and parent digest. */
export function signedChangeOf(version: Version, signature: { key: string; parent_digest: string | null }): SignedChange {
  return {
    set: version.set,
    lineage: version.lineage,
    version: version.version,
    parent: version.parent,
    parent_digest: signature.parent_digest,
    params: version.params,
    kind: version.kind,
    rollback_of: version.rollback_of ?? null,
    message: version.message,
    author: signature.key,
  };
}

/** SHA-256 of a params document's canonical JSON, as 64 lowercase hex digits. */
export async function paramsDigest(params: Params): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(params));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
