/**
 * A set's history signed by a test operator, built without an edge: each `next` is the version a
 * hub would commit for a signed write on the previous head (`shared/signing/sign-write.ts`), so
 * runner tests and hostile servers can serve genuine signed versions — and tamper with them.
 */
import type { Version } from '../../shared/api.ts';
import { type Params, ParamsSchema } from '../../shared/params-schema.ts';
import { generateKeyPair } from '../../shared/signing/ed25519.ts';
import type { SigningKeyFile, TrustedKey } from '../../shared/signing/key-schemas.ts';
import { loadSigningKey, type SigningKey } from '../../shared/signing/sign-change.ts';
import { paramsDigest } from '../../shared/signing/signed-change.ts';
import { signWrite } from '../../shared/signing/sign-write.ts';

export async function testSigner(name: string): Promise<{ signer: SigningKey; file: SigningKeyFile; trusted: TrustedKey }> {
  const file = { name, ...(await generateKeyPair()) };
  return { signer: await loadSigningKey(file), file, trusted: { name, public_key: file.public_key } };
}

export class SignedHistory {
  readonly set: string;
  readonly lineage: string;
  readonly versions: Version[] = [];

  constructor(set: string, lineage: string) {
    this.set = set;
    this.lineage = lineage;
  }

  get head(): Version | undefined {
    return this.versions.at(-1);
  }

  /** The next version, signed by `signer` (or unsigned with `signer: null`), appended to the history. */
  async next(
    params: Partial<Params>,
    signer: SigningKey | null,
    { message = `v${this.versions.length + 1}`, rollbackOf }: { message?: string; rollbackOf?: number } = {},
  ): Promise<Version> {
    const head = this.head;
    const full = ParamsSchema.parse(params);
    const version: Version = {
      set: this.set,
      lineage: this.lineage,
      version: (head?.version ?? 0) + 1,
      params: full,
      created_at: new Date(Date.UTC(2026, 0, 1) + this.versions.length * 1000).toISOString(),
      author: 'ops',
      message,
      kind: rollbackOf !== undefined ? 'rollback' : head === undefined ? 'create' : 'update',
      parent: head?.version ?? 0,
      ...(rollbackOf !== undefined ? { rollback_of: rollbackOf } : {}),
    };
    if (signer !== null) {
      const signature = await signWrite(
        { set: this.set, head, params: full, message, rollbackOf, lineage: this.lineage },
        signer,
      );
      version.signature = {
        key: signature.key,
        value: signature.value,
        parent_digest: head === undefined ? null : await paramsDigest(head.params),
      };
    }
    this.versions.push(version);
    return version;
  }
}
