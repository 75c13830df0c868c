/**
 * JSON Merge Patch (RFC 7396) over a flat params document: a key set to `null` goes back to its
 * default (it is removed, and the schema fills the default in); any other value replaces the key.
 */
export function applyMergePatch(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else Object.defineProperty(next, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return next;
}

/**
 * Keys whose values differ between two flat documents, in `a`'s key order then `b`'s. `0` and `-0`
 * are equal (a document never holds `-0`, but one read before that rule may: it is not a change).
 */
export function diffParams(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): { key: string; from: unknown; to: unknown }[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .filter((k) => a[k] !== b[k] && !(Number.isNaN(a[k]) && Number.isNaN(b[k])))
    .map((key) => ({ key, from: a[key], to: b[key] }));
}
