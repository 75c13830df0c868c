/**
 * Entity tags of a set's policy, `"<set>.policy.v<n>"`: distinct from the params' tags, so an
 * If-Match meant for one can never pass for the other. Version 0 is the default policy.
 */
export function policyEtagFor(set: string, version: number): string {
  return `"${set}.policy.v${version}"`;
}

/** The policy version a strong tag names for `set`; undefined for another set, a weak tag or garbage. */
export function policyVersionFromEtag(set: string, tag: string): number | undefined {
  const match = /^"([a-z0-9][a-z0-9-]{0,62})\.policy\.v(0|[1-9][0-9]{0,14})"$/.exec(tag.trim());
  if (!match || match[1] !== set) return undefined;
  return Number(match[2]);
}
