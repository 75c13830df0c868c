/** Signing a change with an operator's key: the CLI and the dashboard, never the edge. */
import { importSigningKey, type KeyHandle, signBytes } from './ed25519.ts';
import type { SigningKeyFile } from './key-schemas.ts';
import { type SignedChange, signedChangeBytes } from './signed-change.ts';

/** An operator's key, ready to sign: its name (the signed `author`) and the imported private key. */
export interface SigningKey {
  name: string;
  public_key: string;
  key: KeyHandle;
}

export async function loadSigningKey(file: SigningKeyFile): Promise<SigningKey> {
  return { name: file.name, public_key: file.public_key, key: await importSigningKey(file) };
}

/** The base64url signature of `change` (whose `author` must be the key's name). */
export async function signChange(change: SignedChange, signer: SigningKey): Promise<string> {
  if (change.author !== signer.name)
    throw new TypeError(`author = ${JSON.stringify(change.author)} is not the signing key's name ${JSON.stringify(signer.name)}`);
  return signBytes(signer.key, signedChangeBytes(change));
}
