/**
 * Ed25519 keys and signatures on WebCrypto, the same code in Node, workerd and the browser. Keys
 * travel as base64url of their raw 32 bytes: the public key as `TrustedKeySchema` holds it, the
 * private key as the seed (`d` of its JWK). WebCrypto is the only implementation: no library to
 * trust, and every runtime here ships it.
 */
import { fromBase64url, toBase64url } from './base64url.ts';

const ED25519 = { name: 'Ed25519' } as const;

/**
 * A WebCrypto key handle. Named through `importKey` because the global `CryptoKey` type differs
 * between Node's, workerd's and the DOM's type definitions, and `shared/` compiles under all three.
 */
export type KeyHandle = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
/** Raw Ed25519 keys and seeds are 32 bytes, signatures 64. */
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

export interface KeyPairText {
  /** base64url of the raw 32-byte public key. */
  public_key: string;
  /** base64url of the 32-byte private seed: a secret. */
  private_key: string;
}

function bytesOf(text: string, length: number, what: string): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64url(text);
  } catch {
    throw new TypeError(`${what} is not base64url: expected ${length} bytes as base64url`);
  }
  if (bytes.length !== length) throw new TypeError(`${what} is ${bytes.length} bytes: expected ${length} bytes as base64url`);
  return bytes;
}

/** A new key pair, as text (`livetune keys generate`, the dashboard never needs one). */
export async function generateKeyPair(): Promise<KeyPairText> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as {
    privateKey: KeyHandle;
    publicKey: KeyHandle;
  };
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as { d?: string };
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  if (jwk.d === undefined) throw new Error('the runtime exported an Ed25519 private key without its seed');
  return { public_key: toBase64url(raw), private_key: jwk.d };
}

/** A signing key from its text; `public_key` must belong to it (checked by a test signature). */
export async function importSigningKey({ public_key, private_key }: KeyPairText): Promise<KeyHandle> {
  bytesOf(private_key, KEY_BYTES, 'private_key');
  bytesOf(public_key, KEY_BYTES, 'public_key');
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'OKP', crv: 'Ed25519', d: private_key, x: public_key },
    ED25519,
    false,
    ['sign'],
  );
  // WebCrypto does not check that x matches d everywhere: a key file whose public half was edited
  // would sign writes that every verifier refuses, so find out now.
  const probe = new Uint8Array(new TextEncoder().encode('livetune key check'));
  if (!(await verifyBytes(await importVerifyKey(public_key), await signBytes(key, probe), probe)))
    throw new TypeError('public_key does not belong to private_key: expected the pair `livetune keys generate` wrote');
  return key;
}

/** A verifying key from the base64url of its raw 32 bytes. */
export async function importVerifyKey(publicKey: string): Promise<KeyHandle> {
  return crypto.subtle.importKey('raw', bytesOf(publicKey, KEY_BYTES, 'public_key'), ED25519, false, ['verify']);
}

export async function signBytes(key: KeyHandle, message: Uint8Array<ArrayBuffer>): Promise<string> {
  return toBase64url(new Uint8Array(await crypto.subtle.sign(ED25519, key, message)));
}

/** False (never a throw) for a signature that is not 64 bytes of base64url or does not verify. */
export async function verifyBytes(key: KeyHandle, signature: string, message: Uint8Array<ArrayBuffer>): Promise<boolean> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = bytesOf(signature, SIGNATURE_BYTES, 'signature');
  } catch {
    return false;
  }
  return crypto.subtle.verify(ED25519, key, bytes, message);
}
