/**
 * The checks of `test/fixtures/signing-vectors.json`, shared by the Node and the workerd suites so
 * both runtimes prove the same bytes: the canonical text, the params digests, the deterministic
 * signature (RFC 8032), and that it verifies as a stored version.
 */
import { expect, it } from 'vitest';
import type { Version } from '../../shared/api.ts';
import type { Params } from '../../shared/params-schema.ts';
import { importSigningKey, signBytes } from '../../shared/signing/ed25519.ts';
import { paramsDigest, type SignedChange, signedChangeBytes, signedChangeText } from '../../shared/signing/signed-change.ts';
import { verifyVersion } from '../../shared/signing/verify-version.ts';
import vectors from '../fixtures/signing-vectors.json' with { type: 'json' };

interface VectorFile {
  keys: Array<{ name: string; public_key: string; private_key: string }>;
  digests: Array<{ params: Params; sha256: string }>;
  vectors: Array<{ name: string; public_key: string; change: SignedChange; canonical: string; signature: string }>;
}
const file = vectors as unknown as VectorFile;

/** The stored version a vector's change describes. */
export function versionOfVector(change: SignedChange, signature: string): Version {
  return {
    set: change.set,
    lineage: change.lineage,
    version: change.version,
    params: change.params,
    created_at: '2026-01-01T00:00:00.000Z',
    author: 'token-name',
    message: change.message,
    kind: change.kind,
    parent: change.parent,
    ...(change.rollback_of !== null ? { rollback_of: change.rollback_of } : {}),
    signature: { key: change.author, value: signature, parent_digest: change.parent_digest },
  };
}

export function registerSigningVectorChecks(): void {
  it('has vectors to check', () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(4);
  });

  for (const vector of file.vectors) {
    it(`reproduces the canonical text and signature: ${vector.name}`, async () => {
      expect(signedChangeText(vector.change)).toBe(vector.canonical);
      const keys = file.keys.find((k) => k.public_key === vector.public_key)!;
      const signature = await signBytes(await importSigningKey(keys), signedChangeBytes(vector.change));
      expect(signature).toBe(vector.signature);
    });

    it(`verifies as a stored version: ${vector.name}`, async () => {
      const trusted = file.keys.map(({ name, public_key }) => ({ name, public_key }));
      const check = await verifyVersion(versionOfVector(vector.change, vector.signature), trusted);
      expect(check).toEqual({ ok: true, key: trusted.find((k) => k.name === vector.change.author) });
    });
  }

  it('reproduces the params digests', async () => {
    for (const { params, sha256 } of file.digests) expect(await paramsDigest(params)).toBe(sha256);
  });
}
