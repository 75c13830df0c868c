/**
 * Workers KV key layout. A version key is written once and never rewritten after a head announced
 * it; the head mirror is only for answering (marked stale) when the hub cannot be reached.
 */
export function versionKey(set: string, version: number): string {
  return `set/${set}/v/${version}`;
}

export function headMirrorKey(set: string): string {
  return `set/${set}/head`;
}
