/**
 * The promise of a signature, as a property: any change to any signed field of a version — set,
 * lineage, number, parent, parent digest, any param, kind, rollback target, message, signing key —
 * makes it fail verification; the fields the edge adds (created_at, the token's `author`) do not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Version } from '../../../shared/api.ts';
import { PARAM_SPECS } from '../../../shared/param-specs.ts';
import { ParamsSchema } from '../../../shared/params-schema.ts';
import { canonicalJson } from '../../../shared/signing/canonical-json.ts';
import { generateKeyPair, importSigningKey } from '../../../shared/signing/ed25519.ts';
import { signBytes } from '../../../shared/signing/ed25519.ts';
import { paramsDigest, signedChangeBytes, signedChangeOf } from '../../../shared/signing/signed-change.ts';
import { verifyVersion } from '../../../shared/signing/verify-version.ts';

const alice = await generateKeyPair();
const mallory = await generateKeyPair();
const aliceKey = await importSigningKey(alice);
const trusted = [
  { name: 'alice', public_key: alice.public_key },
  { name: 'mallory', public_key: mallory.public_key },
];

const paramsArb = fc
  .record({
    base_half_spread_bps: fc.double({ min: 0.01, max: 1000, noNaN: true }),
    order_size: fc.double({ min: 0.001, max: 1, noNaN: true }),
    max_position: fc.double({ min: 1, max: 100, noNaN: true }),
    skew_adjustment_factor: fc.double({ min: 0, max: 2, noNaN: true }),
    trading_mode: fc.constantFrom('active', 'reduce_only', 'halted'),
  })
  .map((p) => ParamsSchema.parse(p));

const versionArb = fc
  .record({
    set: fc.constantFrom('hype-perp', 'btc-usdt', 'a'),
    lineage: fc.stringMatching(/^[A-Za-z0-9_-]{8,24}$/),
    parent: fc.integer({ min: 0, max: 1_000_000 }),
    params: paramsArb,
    message: fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }),
    rollback: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  })
  .map(
    ({ set, lineage, parent, params, message, rollback }): Version => ({
      set,
      lineage,
      version: parent + 1,
      parent,
      params,
      created_at: '2026-01-01T00:00:00.000Z',
      author: 'ops',
      message,
      kind: rollback !== undefined ? 'rollback' : parent === 0 ? 'create' : 'update',
      ...(rollback !== undefined ? { rollback_of: rollback } : {}),
    }),
  );

async function signed(version: Version): Promise<Version> {
  const parent_digest = version.parent === 0 ? null : await paramsDigest({ ...version.params, order_size: 0.2 });
  const draft = { key: 'alice', parent_digest };
  const value = await signBytes(aliceKey, signedChangeBytes(signedChangeOf(version, draft)));
  return { ...version, signature: { ...draft, value } };
}

type Tamper = (v: Version) => Version;
const numericKeys = Object.keys(PARAM_SPECS).filter((k) => k !== 'trading_mode') as Array<keyof typeof PARAM_SPECS>;

/** One change to one signed field; each returns a version that differs from the signed one. */
const tamperArb: fc.Arbitrary<[string, Tamper]> = fc.oneof(
  fc.constant<[string, Tamper]>(['set', (v) => ({ ...v, set: `${v.set}-x` })]),
  fc.constant<[string, Tamper]>(['lineage', (v) => ({ ...v, lineage: `${v.lineage}X` })]),
  fc.constant<[string, Tamper]>(['version and parent', (v) => ({ ...v, version: v.version + 1, parent: v.parent + 1 })]),
  fc.constant<[string, Tamper]>(['message', (v) => ({ ...v, message: `${v.message}.` })]),
  fc.constant<[string, Tamper]>(['kind', (v) => ({ ...v, kind: v.kind === 'update' ? 'rollback' : 'update' })]),
  fc.constant<[string, Tamper]>([
    'rollback_of',
    (v) => (v.rollback_of === undefined ? { ...v, rollback_of: 1 } : { ...v, rollback_of: v.rollback_of + 1 }),
  ]),
  fc.constant<[string, Tamper]>([
    'parent_digest',
    (v) => ({ ...v, signature: { ...v.signature!, parent_digest: v.signature!.parent_digest === null ? '0'.repeat(64) : null } }),
  ]),
  fc.constant<[string, Tamper]>(['signing key', (v) => ({ ...v, signature: { ...v.signature!, key: 'mallory' } })]),
  fc.constant<[string, Tamper]>([
    'trading_mode',
    (v) => ({ ...v, params: { ...v.params, trading_mode: v.params.trading_mode === 'halted' ? 'active' : 'halted' } }),
  ]),
  fc
    .tuple(fc.constantFrom(...numericKeys), fc.double({ min: -1e6, max: 1e6, noNaN: true }))
    .map(([key, delta]): [string, Tamper] => [
      `params.${key}`,
      (v) => {
        const before = v.params[key] as number;
        const after = before + delta === before ? before * 2 + 1 : before + delta;
        return { ...v, params: { ...v.params, [key]: after } };
      },
    ]),
);

describe('signed versions', () => {
  it('verify as signed, whatever the edge says about time and token', async () => {
    await fc.assert(
      fc.asyncProperty(versionArb, async (version) => {
        const v = await signed(version);
        const edgeSide = { ...v, created_at: '2030-05-05T00:00:00.000Z', author: 'another-token' };
        expect(await verifyVersion(edgeSide, trusted)).toMatchObject({ ok: true, key: { name: 'alice' } });
      }),
      { numRuns: 60 },
    );
  });

  it('fail verification after any change to any signed field', async () => {
    await fc.assert(
      fc.asyncProperty(versionArb, tamperArb, async (version, [field, tamper]) => {
        const v = await signed(version);
        const tampered = tamper(v);
        expect(canonicalJson(tampered), field).not.toBe(canonicalJson(v));
        const check = await verifyVersion(tampered, trusted);
        expect(check.ok, `tampered ${field} still verifies`).toBe(false);
        if (!check.ok) expect(check.reason).toMatch(/^signature: /);
      }),
      { numRuns: 200 },
    );
  });

  it('refuse an unsigned version, an unknown key and a number that is not parent + 1, naming why', async () => {
    const v = await signed({
      set: 'hype-perp',
      lineage: 'lineage-abc',
      version: 4,
      parent: 3,
      params: ParamsSchema.parse({}),
      created_at: '2026-01-01T00:00:00.000Z',
      author: 'ops',
      message: 'm',
      kind: 'update',
    });
    const { signature: _, ...unsigned } = v;
    expect(await verifyVersion(unsigned, trusted)).toEqual({ ok: false, reason: expect.stringMatching(/unsigned/) });
    expect(await verifyVersion(v, [trusted[1]!])).toEqual({
      ok: false,
      reason: expect.stringMatching(/"alice", which is not trusted/),
    });
    expect(await verifyVersion({ ...v, version: 9 }, trusted)).toEqual({
      ok: false,
      reason: expect.stringMatching(/parent \+ 1/),
    });
    expect(await verifyVersion({ ...v, signature: { ...v.signature!, value: 'A'.repeat(86) } }, trusted)).toMatchObject({
      ok: false,
    });
  });

  it('have one canonical text: key order does not matter, -0 is 0, non-finite numbers are refused', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    expect(canonicalJson({ z: -0 })).toBe('{"z":0}');
    expect(() => canonicalJson({ bad: Number.NaN })).toThrow(/\$\.bad is NaN/);
    expect(() => canonicalJson({ bad: '\ud800' })).toThrow(/lone surrogate/);
  });
});
