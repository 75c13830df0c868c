/**
 * The edge's half of signed versions (issue 16): a set whose policy requires signatures takes no
 * unsigned write (422 naming `signature`), no write signed by a key its policy does not trust, and
 * no signature made for another change; a signed version is stored and served with its signature,
 * which verifies; and the key list changes only with approvals by k of the current n keys.
 */
import { describe, expect, it } from 'vitest';
import { VersionSchema, type Version } from '../../shared/api.ts';
import { PolicyVersionSchema } from '../../shared/policy-schema.ts';
import { DEFAULT_PARAMS, ParamsSchema } from '../../shared/params-schema.ts';
import { approveKeyList } from '../../shared/signing/approve-key-list.ts';
import { generateKeyPair } from '../../shared/signing/ed25519.ts';
import { loadSigningKey, type SigningKey } from '../../shared/signing/sign-change.ts';
import { signWrite } from '../../shared/signing/sign-write.ts';
import { verifyVersion } from '../../shared/signing/verify-version.ts';
import { call, errorOf, freshSet, putPolicy, tagOf } from './helpers.ts';

async function newKey(name: string): Promise<SigningKey> {
  return loadSigningKey({ name, ...(await generateKeyPair()) });
}
const trusted = (...keys: SigningKey[]) => keys.map(({ name, public_key }) => ({ name, public_key }));

const alice = await newKey('alice');
const bob = await newKey('bob');
const carol = await newKey('carol');
const mallory = await newKey('mallory');

async function head(set: string): Promise<Version> {
  return VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/params`)).json());
}

/** A set created by a signed write, whose policy then requires signatures by alice or bob. */
async function requiredSet(): Promise<{ set: string; v1: Version }> {
  const set = freshSet('signed');
  const params = ParamsSchema.parse({});
  const signature = await signWrite({ set, head: undefined, params, message: 'create' }, alice);
  const res = await call('PUT', `/v1/sets/${set}/params`, {
    body: { params, message: 'create', signature },
    headers: { 'If-None-Match': '*' },
  });
  expect(res.status).toBe(201);
  const policy = await putPolicy(set, { signatures: 'required', keys: trusted(alice, bob), threshold: 1 });
  expect(policy.status).toBe(200);
  return { set, v1: await head(set) };
}

async function signedPut(set: string, on: Version, params: Record<string, unknown>, signer: SigningKey, message = 'update') {
  const full = ParamsSchema.parse(params);
  const signature = await signWrite({ set, head: on, params: full, message }, signer);
  return call('PUT', `/v1/sets/${set}/params`, {
    body: { params: full, message, signature },
    headers: { 'If-Match': await tagOf(set, on.version) },
  });
}

describe('signed writes', () => {
  it('a signed create keeps the lineage it signed, and its version carries a signature that verifies', async () => {
    const { v1 } = await requiredSet();
    expect(v1.signature).toMatchObject({ key: 'alice', parent_digest: null });
    expect(v1.lineage).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await verifyVersion(v1, trusted(alice))).toMatchObject({ ok: true });
  });

  it('answers 422 naming signature to an unsigned write (PUT, PATCH, rollback) to a set that requires signatures', async () => {
    const { set } = await requiredSet();
    const tag = await tagOf(set, 1);
    const attempts = [
      call('PUT', `/v1/sets/${set}/params`, {
        body: { params: { order_size: 0.2 }, message: 'm' },
        headers: { 'If-Match': tag },
      }),
      call('PATCH', `/v1/sets/${set}/params`, {
        body: { params: { order_size: 0.2 }, message: 'm' },
        headers: { 'If-Match': tag },
      }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(422);
      const error = await errorOf(res);
      expect(error.fields?.[0]?.field).toBe('signature');
      expect(error.message).toMatch(/requires signed writes/);
    }
    // A rollback needs a version to go back to: make one, signed.
    expect((await signedPut(set, await head(set), { order_size: 0.2 }, bob)).status).toBe(200);
    const rollback = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 1, message: 'back' } });
    expect(rollback.status).toBe(422);
    expect((await errorOf(rollback)).fields?.[0]?.field).toBe('signature');
    expect((await head(set)).version).toBe(2);
  });

  it('answers 422 to a write signed by a key the policy does not trust, and stores nothing', async () => {
    const { set, v1 } = await requiredSet();
    const res = await signedPut(set, v1, { order_size: 0.2 }, mallory);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.fields?.[0]).toMatchObject({ field: 'signature.key', value: 'mallory' });
    expect(error.message).toMatch(/"mallory" is not trusted.*alice, bob/);
    expect((await head(set)).version).toBe(1);
  });

  it('answers 422 to a signature made for another document, message or parent', async () => {
    const { set, v1 } = await requiredSet();
    const params = ParamsSchema.parse({ order_size: 0.2 });
    const signature = await signWrite({ set, head: v1, params, message: 'small' }, alice);
    const tag = await tagOf(set, 1);
    const bodies = [
      { params: { ...params, order_size: 0.25 }, message: 'small', signature },
      { params, message: 'another message', signature },
    ];
    for (const body of bodies) {
      const res = await call('PUT', `/v1/sets/${set}/params`, { body, headers: { 'If-Match': tag } });
      expect(res.status).toBe(422);
      expect((await errorOf(res)).fields?.[0]?.field).toBe('signature');
    }
    // Signed on a parent that is not the head's document: a replay of v1→v2 onto v2→v3.
    expect((await signedPut(set, v1, { order_size: 0.2 }, alice, 'small')).status).toBe(200);
    const replay = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: { ...params, order_size: 0.1 }, message: 'small', signature },
      headers: { 'If-Match': await tagOf(set, 2) },
    });
    expect(replay.status).toBe(422);
  });

  it('stores a signed write, PATCH and rollback with their signatures, each verifying as served', async () => {
    const { set, v1 } = await requiredSet();
    expect((await signedPut(set, v1, { order_size: 0.2 }, bob)).status).toBe(200);
    const v2 = await head(set);
    const patched = ParamsSchema.parse({ ...v2.params, base_half_spread_bps: 6 });
    const patchSig = await signWrite({ set, head: v2, params: patched, message: 'wider' }, alice);
    const patch = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { base_half_spread_bps: 6 }, message: 'wider', signature: patchSig },
      headers: { 'If-Match': await tagOf(set, 2) },
    });
    expect(patch.status).toBe(200);
    const v3 = await head(set);
    const rollbackSig = await signWrite({ set, head: v3, params: v1.params, message: 'back', rollbackOf: 1 }, alice);
    const rollback = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 1, message: 'back', signature: rollbackSig } });
    expect(rollback.status).toBe(200);
    const v4 = await head(set);
    expect(v4).toMatchObject({ version: 4, kind: 'rollback', rollback_of: 1, params: v1.params });
    for (const n of [1, 2, 3, 4]) {
      const version = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/versions/${n}`)).json());
      expect(await verifyVersion(version, trusted(alice, bob)), `v${n}`).toMatchObject({ ok: true });
    }
  });

  it('takes unsigned writes to a set whose signatures are optional, and still refuses a bad signature', async () => {
    const set = freshSet('optional');
    const created = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: {}, message: 'c' },
      headers: { 'If-None-Match': '*' },
    });
    expect(created.status).toBe(201);
    expect((await putPolicy(set, { keys: trusted(alice) })).status).toBe(200);
    const v1 = await head(set);
    expect(v1.signature).toBeUndefined();
    expect((await signedPut(set, v1, { order_size: 0.2 }, mallory)).status).toBe(422);
    expect((await signedPut(set, v1, { order_size: 0.2 }, alice)).status).toBe(200);
    expect((await head(set)).signature?.parent_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a signature that names another lineage on an existing set', async () => {
    const { set, v1 } = await requiredSet();
    const params = ParamsSchema.parse({ ...DEFAULT_PARAMS, order_size: 0.2 });
    const signature = { ...(await signWrite({ set, head: v1, params, message: 'm' }, alice)), lineage: 'another-lineage' };
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params, message: 'm', signature },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).fields?.[0]?.field).toBe('signature.lineage');
  });
});

describe('changing the trusted keys', () => {
  async function keyChange(set: string, policyVersion: number, keys: SigningKey[], threshold: number, approvers: SigningKey[]) {
    const lineage = (await head(set)).lineage;
    const change = {
      set,
      lineage,
      policy_version: policyVersion,
      keys: trusted(...keys),
      threshold,
      signatures: 'required' as const,
    };
    const approvals = await Promise.all(approvers.map((a) => approveKeyList(change, a)));
    return putPolicy(set, { signatures: 'required', keys: trusted(...keys), threshold, approvals });
  }

  it('needs approvals by k of the current n keys: one stolen key cannot replace the others', async () => {
    const { set } = await requiredSet();
    // Policy v1 trusts alice and bob, 1 of 2: alice alone adds carol and raises the threshold to 2 of 3.
    expect((await keyChange(set, 2, [alice, bob, carol], 2, [alice])).status).toBe(200);
    // Now 2 of 3: mallory's key in place of everyone, approved by alice alone (stolen) → 422.
    const alone = await keyChange(set, 3, [mallory], 1, [alice]);
    expect(alone.status).toBe(422);
    const error = await errorOf(alone);
    expect(error.fields?.[0]?.field).toBe('approvals');
    expect(error.message).toMatch(/approvals by 2 of the current keys \(alice, bob, carol\); got 1/);
    // No approvals at all, and approvals by a key that is not current, count nothing.
    expect((await keyChange(set, 3, [mallory], 1, [])).status).toBe(422);
    expect((await keyChange(set, 3, [mallory], 1, [mallory, alice])).status).toBe(422);
    // An approval signed for another policy version does not count either.
    expect((await keyChange(set, 9, [alice, carol], 1, [alice, bob])).status).toBe(422);
    // Two of three: bob is removed.
    const removed = await keyChange(set, 3, [alice, carol], 1, [alice, carol]);
    expect(removed.status).toBe(200);
    const policy = PolicyVersionSchema.parse(await removed.json());
    expect(policy.policy.keys.map((k) => k.name)).toEqual(['alice', 'carol']);
    expect(policy.approvals?.map((a) => a.key)).toEqual(['alice', 'carol']);
    // bob's writes are refused from now on.
    expect((await signedPut(set, await head(set), { order_size: 0.2 }, bob)).status).toBe(422);
    expect((await signedPut(set, await head(set), { order_size: 0.2 }, carol)).status).toBe(200);
  });

  it('turning signatures off is a key-list change too; caps change with the admin token alone', async () => {
    const { set } = await requiredSet();
    const off = await putPolicy(set, { signatures: 'optional', keys: trusted(alice, bob), threshold: 1 });
    expect(off.status).toBe(422);
    const caps = await putPolicy(set, { signatures: 'required', keys: trusted(alice, bob), threshold: 1, max_order_size: 5 });
    expect(caps.status).toBe(200);
  });
});
