/**
 * Writes `test/fixtures/signing-vectors.json`: test vectors of the signed-change encoding
 * (`shared/signing/signed-change.ts`). Run once (`npx node tools/signing-vectors.ts && npx biome check --write test/fixtures`) and commit
 * the file; tests in Node and workerd check that today's code reproduces every byte of it, so a
 * change to the encoding cannot pass unnoticed (old signatures would stop verifying).
 *
 * Keys come from fixed seeds and Ed25519 signatures are deterministic (RFC 8032), so the file is
 * the same on every run. The seeds are public test data: never a key to trust.
 */
import { writeFileSync } from 'node:fs';
import { toBase64url } from '../shared/signing/base64url.ts';
import { importSigningKey, signBytes } from '../shared/signing/ed25519.ts';
import { paramsDigest, type SignedChange, signedChangeBytes, signedChangeText } from '../shared/signing/signed-change.ts';
import { DEFAULT_PARAMS, type Params } from '../shared/params-schema.ts';

/** A key pair from a fixed 32-byte seed (derives the public half through WebCrypto). */
export async function vectorKey(fill: number): Promise<{ public_key: string; private_key: string }> {
  const seed = new Uint8Array(32).map((_, i) => (fill + i * 7) & 0xff);
  const pkcs8 = new Uint8Array([
    0x30,
    0x2e,
    0x02,
    0x01,
    0x00,
    0x30,
    0x05,
    0x06,
    0x03,
    0x2b,
    0x65,
    0x70,
    0x04,
    0x22,
    0x04,
    0x20,
    ...seed,
  ]);
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  return { private_key: toBase64url(seed), public_key: jwk.x! };
}

async function main(): Promise<void> {
  const alice = await vectorKey(1);
  const bob = await vectorKey(101);
  const v1: Params = { ...DEFAULT_PARAMS };
  const v2: Params = { ...DEFAULT_PARAMS, base_half_spread_bps: 7.25, order_size: 0.1, trading_mode: 'reduce_only' };
  const v3: Params = {
    ...DEFAULT_PARAMS,
    adverse_selection_spread_scale: 1e21,
    min_spread_base_ratio: 5e-7,
    skew_adjustment_factor: 0,
  };
  const cases: Array<{ name: string; signer: 'alice' | 'bob'; change: SignedChange }> = [
    {
      name: 'create: the first version of a set (no parent digest)',
      signer: 'alice',
      change: {
        set: 'hype-perp',
        lineage: 'vectors-lineage-1',
        version: 1,
        parent: 0,
        parent_digest: null,
        params: v1,
        kind: 'create',
        rollback_of: null,
        message: 'first params',
        author: 'alice',
      },
    },
    {
      name: 'update: numbers, a string param, a message with quotes, non-ASCII and an emoji',
      signer: 'bob',
      change: {
        set: 'hype-perp',
        lineage: 'vectors-lineage-1',
        version: 2,
        parent: 1,
        parent_digest: await paramsDigest(v1),
        params: v2,
        kind: 'update',
        rollback_of: null,
        message: 'tighter "spread" — für Händler 📈',
        author: 'bob',
      },
    },
    {
      name: 'update: numbers whose text form is exponential',
      signer: 'alice',
      change: {
        set: 'btc-usdt',
        lineage: 'vectors-lineage-2',
        version: 8,
        parent: 7,
        parent_digest: await paramsDigest(v2),
        params: v3,
        kind: 'update',
        rollback_of: null,
        message: 'scale',
        author: 'alice',
      },
    },
    {
      name: 'rollback: to version 1',
      signer: 'alice',
      change: {
        set: 'hype-perp',
        lineage: 'vectors-lineage-1',
        version: 3,
        parent: 2,
        parent_digest: await paramsDigest(v2),
        params: v1,
        kind: 'rollback',
        rollback_of: 1,
        message: 'back to the first params',
        author: 'alice',
      },
    },
  ];
  const keys = { alice, bob };
  const vectors = [];
  for (const { name, signer, change } of cases) {
    const key = await importSigningKey(keys[signer]);
    vectors.push({
      name,
      public_key: keys[signer].public_key,
      change,
      canonical: signedChangeText(change),
      signature: await signBytes(key, signedChangeBytes(change)),
    });
  }
  const file = {
    about:
      'Test vectors of livetune signed versions (shared/signing/signed-change.ts): `canonical` is the UTF-8 text signed, `signature` Ed25519 (RFC 8032) by the named public key. Keys are from fixed public seeds: test data only.',
    keys: [
      { name: 'alice', ...alice },
      { name: 'bob', ...bob },
    ],
    digests: [
      { params: v1, sha256: await paramsDigest(v1) },
      { params: v3, sha256: await paramsDigest(v3) },
    ],
    vectors,
  };
  writeFileSync(new URL('../test/fixtures/signing-vectors.json', import.meta.url), `${JSON.stringify(file, null, 2)}\n`);
}

if (import.meta.main) await main();
