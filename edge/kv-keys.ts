/**
 * Workers KV key layout. A version key is written once and never rewritten after a head announced
 * it; it names the set's lineage, so a re-created set (a new history) never meets the keys of the
 * old one. The head mirror is one key per set, only for answering (marked stale) when the hub
 * cannot be reached; its body names its lineage.
 */
export function versionKey(set: string, lineage: string, version: number): string {
  return `set/${set}/l/${lineage}/v/${version}`;
}

/** What every version key of `set` starts with, whatever its lineage (to ask whether the set has any). */
export function versionKeyPrefix(set: string): string {
  return `set/${set}/l/`;
}

export function headMirrorKey(set: string): string {
  return `set/${set}/head`;
}
