/** A current key's approval of a key-list change (`key-list-change.ts`): one per approver. */
import { signBytes } from './ed25519.ts';
import type { Approval, KeyListChange } from './key-list-change.ts';
import { keyListChangeBytes } from './key-list-change.ts';
import type { SigningKey } from './sign-change.ts';

export async function approveKeyList(change: KeyListChange, signer: SigningKey): Promise<Approval> {
  return { key: signer.name, value: await signBytes(signer.key, keyListChangeBytes(change)) };
}
