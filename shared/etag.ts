/**
 * Strong entity tags of a set's current params, derived from `(set, version)` alone: a version is
 * immutable, so its tag never needs a content hash, and every edge location computes the same tag.
 */

/** `"hype-perp.v7"` (with the quotes: it is the header value). */
export function etagFor(set: string, version: number): string {
  return `"${set}.v${version}"`;
}

/**
 * The version an entity tag names for `set`, or undefined when it names another set, is malformed
 * or is `*`. A weak tag (`W/"…"`) is compared by its opaque part (RFC 9110 weak comparison for
 * If-None-Match).
 */
export function versionFromEtag(set: string, tag: string): number | undefined {
  const opaque = tag.trim().replace(/^W\//, '');
  const match = /^"([a-z0-9][a-z0-9-]{0,62})\.v([1-9][0-9]{0,14})"$/.exec(opaque);
  if (!match || match[1] !== set) return undefined;
  return Number(match[2]);
}

/** Splits an If-None-Match / If-Match list (`"a", W/"b"`) into its tags. */
export function parseEtagList(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}
