/**
 * The operator's signing key in the browser: read from a key file the operator picks (the JSON
 * `livetune keys generate` wrote), imported into WebCrypto as a non-extractable key, kept in memory
 * for this page only — never stored, never sent. A reload or sign-out forgets it. Writes made while
 * it is loaded carry a signature of exactly the version the edge will make (`shared/signing/`).
 */
import type { Version } from '../../shared/api.ts';
import { applyMergePatch } from '../../shared/merge-patch.ts';
import { SigningKeyFileSchema } from '../../shared/signing/key-schemas.ts';
import { loadSigningKey, type SigningKey } from '../../shared/signing/sign-change.ts';
import { signedParentOf, signWrite } from '../../shared/signing/sign-write.ts';
import type { WriteSignature } from '../../shared/signing/version-signature.ts';
import { validateParams } from '../../shared/validate-params.ts';

/** A key file is about 200 bytes. */
const MAX_KEY_FILE_CHARS = 4096;

/** The key in a key file's text; throws an `Error` whose message names what is wrong. */
export async function readKeyFile(text: string): Promise<SigningKey> {
  if (text.length > MAX_KEY_FILE_CHARS) throw new Error(`the file is ${text.length} characters: not a livetune key file`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('the file is not JSON: expected the key file livetune keys generate wrote');
  }
  const parsed = SigningKeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not a livetune key file: ${issue?.path.join('.') || '(file)'}: ${issue?.message ?? 'invalid'}`);
  }
  return loadSigningKey(parsed.data);
}

export type SignedChange =
  | { kind: 'merge'; patch: Record<string, unknown> }
  | { kind: 'replace'; params: unknown }
  | { kind: 'rollback'; to: number; params: unknown };

/**
 * The signature of `change` made on `head`, the version the write's If-Match names. `newest` is the
 * set's newest version: when it is a rollout's candidate in flight above the head, the hub commits
 * the write after it, so that is the parent signed (`signedParentOf`); a patch still merges on the head.
 */
export async function signChangeOn(
  set: string,
  head: Version,
  newest: Version | undefined,
  change: SignedChange,
  message: string,
  signer: SigningKey,
): Promise<WriteSignature> {
  const input = change.kind === 'merge' ? applyMergePatch(head.params, change.patch) : change.params;
  const validation = validateParams(input);
  if (!validation.ok) throw new Error('the document does not pass the schema: nothing was signed');
  return signWrite(
    {
      set,
      head: signedParentOf(head, newest),
      params: validation.params,
      message,
      ...(change.kind === 'rollback' ? { rollbackOf: change.to } : {}),
    },
    signer,
  );
}
