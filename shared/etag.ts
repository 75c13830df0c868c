/**
 * Strong entity tags of a set's versions, derived from `(set, lineage, version)` alone: a version is
 * immutable, so its tag never needs a content hash, and every edge location computes the same tag.
 * The lineage makes a tag of one history of the set (a staging edge, a re-created set) never match
 * a version of another with the same number. `etagFor` is the only place a tag is built and
 * `parseEtag` the only place one is read; a client checks that an answer's tag names its body.
 */
import { LINEAGE_PATTERN } from './lineage.ts';
import { SET_NAME_PATTERN } from './set-name.ts';

/** What an entity tag names. */
export interface EtagIdentity {
  set: string;
  lineage: string;
  version: number;
}

/** `"hype-perp.Xq3….v7"` (with the quotes: it is the header value). */
export function etagFor(set: string, lineage: string, version: number): string {
  return `"${set}.${lineage}.v${version}"`;
}

// Neither a set name nor a lineage contains a ".", so the three parts split unambiguously.
const TAG = /^"([^".]+)\.([^".]+)\.v([1-9][0-9]{0,15})"$/;

/**
 * The identity an entity tag names, or null when it is malformed, `*`, or names no valid set,
 * lineage or version. A weak tag (`W/"…"`) is read by its opaque part (RFC 9110 weak comparison,
 * If-None-Match); callers that need strong comparison (If-Match) drop weak tags first.
 */
export function parseEtag(tag: string | null | undefined): EtagIdentity | null {
  if (tag == null) return null;
  const match = TAG.exec(tag.trim().replace(/^W\//, ''));
  if (!match) return null;
  const [, set, lineage, digits] = match as unknown as [string, string, string, string];
  const version = Number(digits);
  if (!SET_NAME_PATTERN.test(set) || !LINEAGE_PATTERN.test(lineage) || !Number.isSafeInteger(version)) return null;
  return { set, lineage, version };
}

/** Whether `tag` names exactly `identity` (same set, same lineage, same version). */
export function etagNames(tag: string | null | undefined, identity: EtagIdentity): boolean {
  const named = parseEtag(tag);
  return named !== null && named.set === identity.set && named.lineage === identity.lineage && named.version === identity.version;
}

/** Splits an If-None-Match / If-Match list (`"a", W/"b"`) into its tags. */
export function parseEtagList(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}
