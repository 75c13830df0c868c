/**
 * A client's half of a signed rollout (CLI, dashboard, automation): the candidate is signed exactly
 * as a write made on `head` (version head + 1), and the rollback the hub may make on its own — on a
 * breach or an operator's abort — is signed now as well, as the version after the candidate (head + 2,
 * parent the candidate, back to the head's params, the fixed `rolloutRollbackMessage`). The hub
 * stores both; runners that require signatures then apply the candidate and, should it fail its
 * guardrails, the rollback, without trusting the edge for either. A promotion makes no version and
 * needs no signature.
 */
import type { Version } from '../api.ts';
import type { Params } from '../params-schema.ts';
import { rolloutRollbackMessage } from '../rollout.ts';
import type { SigningKey } from './sign-change.ts';
import { signWrite } from './sign-write.ts';
import type { WriteSignature } from './version-signature.ts';

export interface RolloutToSign {
  set: string;
  /** The head the rollout starts on (its If-Match): the control group's version and the rollback's target. */
  head: Version;
  /** The candidate's whole document (a patch merged on the head and validated: `validateParams`). */
  params: Params;
  message: string;
}

export async function signRollout(
  rollout: RolloutToSign,
  signer: SigningKey,
): Promise<{ signature: WriteSignature; rollback_signature: WriteSignature }> {
  const { set, head, params, message } = rollout;
  const signature = await signWrite({ set, head, params, message }, signer);
  // Only the candidate's lineage, number and params enter the rollback's signed bytes.
  const candidate: Version = { ...head, version: head.version + 1, parent: head.version, params, kind: 'update', message };
  const rollback_signature = await signWrite(
    {
      set,
      head: candidate,
      params: head.params,
      message: rolloutRollbackMessage(candidate.version, head.version),
      rollbackOf: head.version,
    },
    signer,
  );
  return { signature, rollback_signature };
}
