/**
 * A client's half of a signed write (CLI, dashboard, automation): given the head it read (the
 * write's If-Match) and the document the write will store, the `signature` to send. The client
 * computes what the hub will commit — number head + 1, the head's params as parent digest, the whole
 * document (a patch is merged and validated first), the trimmed message — and signs exactly that;
 * a head that moved meanwhile fails the If-Match before the signature is looked at.
 */
import type { Version, VersionKind } from '../api.ts';
import { newLineage } from '../lineage.ts';
import type { Params } from '../params-schema.ts';
import { type SigningKey, signChange } from './sign-change.ts';
import { paramsDigest } from './signed-change.ts';
import type { WriteSignature } from './version-signature.ts';

export interface WriteToSign {
  set: string;
  /** The version the write is made on (its If-Match); undefined for a create. */
  head: Version | undefined;
  /** The whole document the hub will store (defaults filled in: `validateParams`). */
  params: Params;
  message: string;
  /** A rollback's target; its params are `params`. */
  rollbackOf?: number | undefined;
  /** A create's lineage; a new random one when absent. */
  lineage?: string | undefined;
}

export async function signWrite(write: WriteToSign, signer: SigningKey): Promise<WriteSignature> {
  const { set, head, params, rollbackOf } = write;
  const lineage = head?.lineage ?? write.lineage ?? newLineage();
  const kind: VersionKind = rollbackOf !== undefined ? 'rollback' : head === undefined ? 'create' : 'update';
  const value = await signChange(
    {
      set,
      lineage,
      version: (head?.version ?? 0) + 1,
      parent: head?.version ?? 0,
      parent_digest: head === undefined ? null : await paramsDigest(head.params),
      params,
      kind,
      rollback_of: rollbackOf ?? null,
      // The edge stores the message trimmed (`MessageSchema`); the signature covers what it stores.
      message: write.message.trim(),
      author: signer.name,
    },
    signer,
  );
  return { key: signer.name, value, ...(head === undefined ? { lineage } : {}) };
}

/**
 * The version a signed write made on `head` (its If-Match) will follow, given the newest version of
 * the set. While a rollout's candidate is in flight above the head, the hub commits the writes it
 * takes then (a kill switch, a rollback, each ending the rollout) as the version after the
 * candidate, so the signature must name the candidate as its parent; the document is still the
 * writer's (a patch is merged on the head, as the hub merges it).
 */
export function signedParentOf(head: Version, newest: Version | undefined): Version {
  const candidateInFlight =
    newest !== undefined && newest.lineage === head.lineage && newest.version > head.version && newest.rollout !== undefined;
  return candidateInFlight ? newest : head;
}
