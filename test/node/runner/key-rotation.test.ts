/**
 * Key rotation at the runner (issue 16): a runner follows a key list only when the keys it trusts
 * approved it, k of n, as the set policy's history shows — so it applies versions by a newly added
 * key, stops applying versions by a removed one, and a history forged by the edge (a key list
 * approved by too few, or by a key it does not trust) changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { readReceivedVersion } from '../../../client/received-version.ts';
import { ParamsHolder } from '../../../runner/params/params-holder.ts';
import { majority } from '../../../runner/sync/key-ring.ts';
import { VersionApplier } from '../../../runner/sync/version-applier.ts';
import { VersionTrust } from '../../../runner/sync/version-trust.ts';
import type { PolicyVersion } from '../../../shared/policy-schema.ts';
import { approveKeyList } from '../../../shared/signing/approve-key-list.ts';
import type { SigningKey } from '../../../shared/signing/sign-change.ts';
import { SignedHistory, testSigner } from '../../helpers/signed-history.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { LINEAGE, SET, silentLogger } from '../helpers/runner-fixtures.ts';

const alice = await testSigner('alice');
const bob = await testSigner('bob');
const carol = await testSigner('carol');
const mallory = await testSigner('mallory');

/** A policy version with the given keys, approved by `approvers`. */
async function policyVersion(
  version: number,
  keys: (typeof alice)[],
  threshold: number,
  approvers: SigningKey[],
): Promise<PolicyVersion> {
  const list = keys.map((k) => k.trusted);
  const change = { set: SET, lineage: LINEAGE, policy_version: version, keys: list, threshold, signatures: 'required' as const };
  return {
    set: SET,
    version,
    policy: { max_order_size: 10, max_max_position: 100, max_step_ratio: 5, signatures: 'required', keys: list, threshold },
    created_at: '2026-01-01T00:00:00.000Z',
    author: 'root',
    message: 'keys',
    approvals: await Promise.all(approvers.map((a) => approveKeyList(change, a))),
  };
}

function runnerWith(history: PolicyVersion[], threshold?: number) {
  const holder = new ParamsHolder({ clock: new FakeClock() });
  const followed: string[] = [];
  let reads = 0;
  const trust = new VersionTrust([alice.trusted, bob.trusted], {
    threshold,
    policyHistory: async () => {
      reads += 1;
      return [...history];
    },
    onKeysFollowed: (o) => followed.push(o.kind),
  });
  const applier = new VersionApplier({ set: SET, holder, logger: silentLogger(), trust });
  const receive = (v: unknown) => applier.receive(readReceivedVersion(structuredClone(v), SET), null, { fresh: true });
  return { holder, trust, receive, followed, reads: () => reads };
}

describe('a runner following a key rotation', () => {
  it('adds a key approved by k of its n keys, applies its versions, then drops a removed key', async () => {
    const history: PolicyVersion[] = [await policyVersion(1, [alice, bob], 2, [])];
    const { receive, trust, holder, followed } = runnerWith(history);
    await trust.idle();
    const versions = new SignedHistory(SET, LINEAGE);
    expect(await receive(await versions.next({}, alice.signer))).toMatchObject({ kind: 'applied' });

    // carol joins, approved by alice and bob (2 of 2); then alice leaves, approved by bob and carol.
    history.push(await policyVersion(2, [alice, bob, carol], 2, [alice.signer, bob.signer]));
    expect(await receive(await versions.next({ order_size: 0.2 }, carol.signer))).toMatchObject({ kind: 'applied', version: 2 });
    expect(trust.keys.map((k) => k.name)).toEqual(['alice', 'bob', 'carol']);

    history.push(await policyVersion(3, [bob, carol], 2, [bob.signer, carol.signer]));
    // The removal is read after the next accepted version, in the background (not delaying its swap).
    expect(await receive(await versions.next({ order_size: 0.15 }, bob.signer))).toMatchObject({ kind: 'applied', version: 3 });
    await trust.idle();
    expect(trust.keys.map((k) => k.name)).toEqual(['bob', 'carol']);
    const byAlice = await versions.next({ order_size: 0.05 }, alice.signer);
    expect(await receive(byAlice)).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/^signature: .*"alice", which is not trusted/),
    });
    expect(holder.version).toBe(3);
    // A key added later is followed as soon as a version by it arrives.
    const dave = await testSigner('dave');
    history.push(await policyVersion(4, [bob, carol, dave], 2, [bob.signer, carol.signer]));
    versions.versions.pop();
    expect(await receive(await versions.next({ order_size: 0.1 }, dave.signer))).toMatchObject({ kind: 'applied', version: 4 });
    expect(followed).not.toContain('refused');
  });

  it('ignores a key list approved by fewer than k of its keys, or by keys it does not trust', async () => {
    const history: PolicyVersion[] = [
      await policyVersion(1, [alice, bob], 2, []),
      // One stolen key (alice) alone, and mallory's approval counts for nothing.
      await policyVersion(2, [alice, mallory], 1, [alice.signer, mallory.signer]),
    ];
    const { receive, trust, followed, reads } = runnerWith(history);
    const versions = new SignedHistory(SET, LINEAGE);
    await receive(await versions.next({}, alice.signer));
    await trust.idle();
    const v2 = await versions.next({ order_size: 3 }, mallory.signer);
    expect(await receive(v2)).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/^signature: /) });
    expect(trust.keys.map((k) => k.name)).toEqual(['alice', 'bob']);
    expect(followed).toEqual(['refused', 'refused']);
    // The same version again does not make it read the policy again.
    const before = reads();
    await receive(v2);
    expect(reads()).toBe(before);
  });

  it('a runner restarted with an up-to-date file starts after the policy version that lists its keys', async () => {
    // v1: alice alone (the first list, unapproved); v2: alice and bob, approved by alice.
    const history = [await policyVersion(1, [alice], 1, []), await policyVersion(2, [alice, bob], 1, [alice.signer])];
    const { receive, trust, followed } = runnerWith(history);
    const versions = new SignedHistory(SET, LINEAGE);
    expect(await receive(await versions.next({}, bob.signer))).toMatchObject({ kind: 'applied' });
    await trust.idle();
    expect(followed).toEqual([]);
    expect(trust.keys.map((k) => k.name)).toEqual(['alice', 'bob']);
  });

  it('needs a majority of its keys by default: one of two is not enough', () => {
    expect([1, 2, 3, 4, 5].map(majority)).toEqual([1, 2, 2, 3, 3]);
  });
});
