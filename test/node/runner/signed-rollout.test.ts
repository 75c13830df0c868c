/**
 * What a runner with `--trusted-keys` does with a signed rollout's versions (docs/SIGNING.md,
 * "Rollouts"): the candidate B + 1 and the rollback B + 2 the hub commits on its own are both
 * signed by the operator at the start (`shared/signing/sign-rollout.ts`). A canary applies the
 * candidate, then the rollback; a control runner on B applies the rollback on its signature alone.
 * An unsigned "hub rollback" is NACKed `signature` — which is why the rollback is signed up front —
 * and the pre-signed rollback cannot be replayed over a version that took its number.
 */
import { describe, expect, it } from 'vitest';
import { readReceivedVersion } from '../../../client/received-version.ts';
import { ParamsHolder } from '../../../runner/params/params-holder.ts';
import { VersionApplier } from '../../../runner/sync/version-applier.ts';
import { VersionTrust } from '../../../runner/sync/version-trust.ts';
import type { Version } from '../../../shared/api.ts';
import { ParamsSchema } from '../../../shared/params-schema.ts';
import { rolloutRollbackMessage } from '../../../shared/rollout.ts';
import { signRollout } from '../../../shared/signing/sign-rollout.ts';
import { paramsDigest } from '../../../shared/signing/signed-change.ts';
import type { WriteSignature } from '../../../shared/signing/version-signature.ts';
import { SignedHistory, testSigner } from '../../helpers/signed-history.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { LINEAGE, SET, silentLogger } from '../helpers/runner-fixtures.ts';

const alice = await testSigner('alice');

function runner() {
  const holder = new ParamsHolder({ clock: new FakeClock() });
  const applier = new VersionApplier({ set: SET, holder, logger: silentLogger(), trust: new VersionTrust([alice.trusted]) });
  const receive = (v: Version) => applier.receive(readReceivedVersion(structuredClone(v), SET), null, { fresh: true });
  return { holder, receive };
}

/** `version` as the hub stores it: with the write's signature and its parent's digest. */
async function stored(version: Version, parent: Version, signature: WriteSignature | undefined): Promise<Version> {
  if (signature === undefined) return version;
  return {
    ...version,
    signature: { key: signature.key, value: signature.value, parent_digest: await paramsDigest(parent.params) },
  };
}

/** v1 signed by alice, and the candidate v2 and rollback v3 of a rollout alice signed on it. */
async function signedRollout() {
  const history = new SignedHistory(SET, LINEAGE);
  const v1 = await history.next({ order_size: 0.3 }, alice.signer);
  // The hub's versions below are built on v1's fields, never its signature.
  const { signature: _v1Signature, ...base } = v1;
  const params = ParamsSchema.parse({ ...v1.params, base_half_spread_bps: 7 });
  const message = 'wider, eu first';
  const signatures = await signRollout({ set: SET, head: v1, params, message }, alice.signer);
  const at = (n: number) => new Date(Date.UTC(2026, 0, 2) + n * 1000).toISOString();
  const candidate = await stored(
    { ...base, version: 2, parent: 1, params, message, kind: 'update', created_at: at(2), rollout: { id: 'r2' } },
    v1,
    signatures.signature,
  );
  const rollback: Version = {
    ...base,
    version: 3,
    parent: 2,
    params: v1.params,
    kind: 'rollback',
    rollback_of: 1,
    author: 'livetune-rollout',
    message: rolloutRollbackMessage(2, 1),
    created_at: at(3),
  };
  return { v1, candidate, rollback, signed: await stored(rollback, candidate, signatures.rollback_signature) };
}

describe('a runner that requires signatures, during a signed rollout', () => {
  it("a canary applies the candidate, then the hub's pre-signed rollback to the base params", async () => {
    const { v1, candidate, signed } = await signedRollout();
    const { holder, receive } = runner();
    expect(await receive(v1)).toMatchObject({ kind: 'applied', version: 1 });
    expect(await receive(candidate)).toMatchObject({ kind: 'applied', version: 2 });
    expect(holder.get().base_half_spread_bps).toBe(7);
    expect(await receive(signed)).toMatchObject({ kind: 'applied', version: 3 });
    expect(holder.get()).toEqual(v1.params);
  });

  it('a control runner that never held the candidate applies the rollback on its signature alone', async () => {
    const { v1, signed } = await signedRollout();
    const { holder, receive } = runner();
    await receive(v1);
    expect(await receive(signed)).toMatchObject({ kind: 'applied', version: 3 });
    expect(holder.version).toBe(3);
  });

  it('NACKs an unsigned hub rollback (signature), keeping the candidate, even though its params are a signed version it held', async () => {
    const { v1, candidate, rollback } = await signedRollout();
    const { holder, receive } = runner();
    await receive(v1);
    await receive(candidate);
    expect(await receive(rollback)).toMatchObject({
      kind: 'rejected',
      version: 3,
      reason: expect.stringMatching(/^signature: version 3 is unsigned/),
    });
    expect(holder.version).toBe(2);
  });

  it('refuses the pre-signed rollback replayed after a kill switch took its number, or renumbered above it', async () => {
    const { v1, candidate, signed } = await signedRollout();
    const { holder, receive } = runner();
    await receive(v1);
    await receive(candidate);
    const history = new SignedHistory(SET, LINEAGE);
    history.versions.push(v1, candidate);
    const halt = await history.next({ ...candidate.params, trading_mode: 'halted' }, alice.signer, { message: 'halt' });
    expect(await receive(halt)).toMatchObject({ kind: 'applied', version: 3 });
    expect(await receive(signed)).toMatchObject({ kind: 'ignored', version: 3 });
    const renumbered = { ...signed, version: 4, parent: 3 };
    expect(await receive(renumbered)).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/^signature: /) });
    expect(holder.get().trading_mode).toBe('halted');
  });
});
