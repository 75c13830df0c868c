/**
 * What a command knew when it failed (the set, the version it read), so an error from the edge can
 * be rendered with advice that fits: "you read v7, alice wrote v8; see `livetune diff 7 8 --set x`".
 */
export interface ErrorScope {
  set?: string;
  /** The version the write was based on (its If-Match). */
  readVersion?: number;
  /** Whether the failed call was a write (so 403 means "lacks write scope"). */
  write?: boolean;
  /** Whether it was a policy write (so 403 means "lacks admin scope"). */
  admin?: boolean;
  /** Whether the write was a create (If-None-Match: *), so a 412 means "it already exists". */
  creating?: boolean;
  url?: string;
  /** After a stale `edit`: the exact command that re-applies just the operator's changes on the head. */
  reapply?: string;
}
