/**
 * Signed rollouts inside workerd (issues 14 and 16): a rollout's candidate is signed and checked
 * exactly like a write, and the rollback the hub makes on its own — a breach, an operator's abort —
 * carries the signature its operator made when the rollout started, so runners that require
 * signatures apply both. On a set that requires signatures an unsigned rollout is refused (422
 * naming `signature`), as is one whose rollback signature the hub could not use later.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import { VersionPageSchema, VersionSchema, type Version } from '../../shared/api.ts';
import { systemClock } from '../../shared/clock.ts';
import { applyMergePatch } from '../../shared/merge-patch.ts';
import { ParamsSchema } from '../../shared/params-schema.ts';
import { RolloutAnswerSchema, rolloutRollbackMessage, type Rollout, type RolloutRequestInput } from '../../shared/rollout.ts';
import { generateKeyPair } from '../../shared/signing/ed25519.ts';
import { loadSigningKey, type SigningKey } from '../../shared/signing/sign-change.ts';
import { signRollout } from '../../shared/signing/sign-rollout.ts';
import { signWrite } from '../../shared/signing/sign-write.ts';
import { paramsDigest } from '../../shared/signing/signed-change.ts';
import { verifyVersion } from '../../shared/signing/verify-version.ts';
import { validateParams } from '../../shared/validate-params.ts';
import { READ_TOKEN, call, errorOf, freshSet, putPolicy, tagOf } from './helpers.ts';

async function newKey(name: string): Promise<SigningKey> {
  return loadSigningKey({ name, ...(await generateKeyPair()) });
}
const trusted = (...keys: SigningKey[]) => keys.map(({ name, public_key }) => ({ name, public_key }));

const alice = await newKey('alice');
const mallory = await newKey('mallory');

// Ahead of the wall clock: the hub's rate limiters saw the real time when the set was created.
const T0 = Date.now() + 60_000;

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

async function alarmAt(set: string, t: number): Promise<void> {
  await runInDurableObject(hub(set), async (instance: ParamsHub) => {
    instance.clock = { ...systemClock, now: () => t };
    await instance.alarm();
  });
}

async function headOf(set: string): Promise<Version> {
  return VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/params`)).json());
}

async function versionsOf(set: string): Promise<number[]> {
  const page = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions`)).json());
  return page.versions.map((v) => v.version).sort((a, b) => a - b);
}

async function rolloutOf(set: string, id: string): Promise<Rollout> {
  return RolloutAnswerSchema.parse(await (await call('GET', `/v1/sets/${set}/rollouts/${id}`)).json()).rollout;
}

/** A set created by alice's signed write, whose policy then requires signatures by alice. */
async function requiredSet(): Promise<{ set: string; v1: Version }> {
  const set = freshSet('signroll');
  const params = ParamsSchema.parse({});
  const signature = await signWrite({ set, head: undefined, params, message: 'create' }, alice);
  const created = await call('PUT', `/v1/sets/${set}/params`, {
    body: { params, message: 'create', signature },
    headers: { 'If-None-Match': '*' },
  });
  expect(created.status).toBe(201);
  expect((await putPolicy(set, { signatures: 'required', keys: trusted(alice), threshold: 1 })).status).toBe(200);
  await runInDurableObject(hub(set), (instance: ParamsHub) => {
    instance.clock = { ...systemClock, now: () => T0 };
  });
  return { set, v1: await headOf(set) };
}

const PATCH = { base_half_spread_bps: 7 };
const REQUEST = {
  params: PATCH,
  message: 'wider quotes, eu first',
  stages: [{ runners: { regions: ['eu-west-1'] }, bake_s: 600 }],
  guardrails: [{ metric: 'error_runners', max: 0 }],
} satisfies RolloutRequestInput;

/** The candidate's document, as the CLI computes it: the patch merged on the head and validated. */
function candidateParams(head: Version) {
  const validation = validateParams(applyMergePatch(head.params, PATCH));
  if (!validation.ok) throw new Error('the test patch does not validate');
  return validation.params;
}

async function post(set: string, body: unknown, on?: Version): Promise<Response> {
  return call('POST', `/v1/sets/${set}/rollouts`, {
    body,
    ...(on ? { headers: { 'If-Match': await tagOf(set, on.version) } } : {}),
  });
}

/** A rollout alice signed on `v1`, started: its candidate is version 2. */
async function signedRollout(set: string, v1: Version): Promise<Rollout> {
  const signatures = await signRollout({ set, head: v1, params: candidateParams(v1), message: REQUEST.message }, alice);
  const res = await post(set, { ...REQUEST, ...signatures }, v1);
  if (res.status !== 201) throw new Error(`rollout answered ${res.status}: ${await res.text()}`);
  return RolloutAnswerSchema.parse(await res.json()).rollout;
}

describe('a signed rollout', () => {
  it('is accepted on a set requiring signatures; its candidate is stored with a signature that verifies on the head it follows', async () => {
    const { set, v1 } = await requiredSet();
    const rollout = await signedRollout(set, v1);
    expect(rollout).toMatchObject({ version: 2, base: 1, state: 'running', rollback_signature: { key: 'alice' } });
    const candidate = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/versions/2`)).json());
    expect(candidate).toMatchObject({ parent: 1, kind: 'update', rollout: { id: rollout.id } });
    expect(candidate.signature).toEqual({
      key: 'alice',
      value: expect.any(String),
      parent_digest: await paramsDigest(v1.params),
    });
    // What a runner that requires signatures checks: alice's signature over exactly this version.
    expect(await verifyVersion(candidate, trusted(alice))).toMatchObject({ ok: true });
    // The candidate is served to the stage's runners as stored, signature included.
    const served = await call('GET', `/v1/sets/${set}/params?runner=fra-1&region=eu-west-1`, { token: READ_TOKEN });
    expect(VersionSchema.parse(await served.json()).signature).toEqual(candidate.signature);
    expect((await headOf(set)).version).toBe(1);
  });

  it('rolls back on a breach with the rollback alice signed at the start, which a runner requiring signatures accepts', async () => {
    const { set, v1 } = await requiredSet();
    const rollout = await signedRollout(set, v1);
    const lineage = v1.lineage;
    const reported = await call('POST', `/v1/sets/${set}/runners/fra-1/report`, {
      token: READ_TOKEN,
      body: { sync_state: 'error', region: 'eu-west-1', applied_version: 2, lineage },
    });
    expect(reported.status).toBe(200);
    await alarmAt(set, T0 + 5000);
    expect(await rolloutOf(set, rollout.id)).toMatchObject({ state: 'rolled_back', outcome_version: 3 });
    const v3 = await headOf(set);
    expect(v3).toMatchObject({
      version: 3,
      parent: 2,
      kind: 'rollback',
      rollback_of: 1,
      author: 'livetune-rollout',
      message: rolloutRollbackMessage(2, 1),
      params: v1.params,
    });
    const candidate = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/versions/2`)).json());
    expect(v3.signature).toMatchObject({ key: 'alice', parent_digest: await paramsDigest(candidate.params) });
    expect(await verifyVersion(v3, trusted(alice))).toMatchObject({ ok: true });
    expect(await verifyVersion(v3, trusted(mallory))).toMatchObject({ ok: false });
  });

  it("rolls back on an operator's abort with the same signed rollback; the abort's words stay in the events", async () => {
    const { set, v1 } = await requiredSet();
    const rollout = await signedRollout(set, v1);
    const res = await call('POST', `/v1/sets/${set}/rollouts/${rollout.id}/abort`, { body: { message: 'book too thin' } });
    expect(res.status).toBe(200);
    const ended = RolloutAnswerSchema.parse(await res.json()).rollout;
    expect(ended).toMatchObject({ state: 'aborted', outcome_version: 3 });
    expect(ended.events.at(-1)).toMatchObject({ kind: 'aborted', detail: { cause: 'operator', message: 'book too thin' } });
    const v3 = await headOf(set);
    expect(v3).toMatchObject({ version: 3, kind: 'rollback', message: rolloutRollbackMessage(2, 1), params: v1.params });
    expect(await verifyVersion(v3, trusted(alice))).toMatchObject({ ok: true });
  });

  it('promotes without a new version or signature: the signed candidate becomes the head', async () => {
    const { set, v1 } = await requiredSet();
    const rollout = await signedRollout(set, v1);
    const res = await call('POST', `/v1/sets/${set}/rollouts/${rollout.id}/promote`, { body: {} });
    expect(res.status).toBe(200);
    const head = await headOf(set);
    expect(head.version).toBe(2);
    expect(await verifyVersion(head, trusted(alice))).toMatchObject({ ok: true });
    expect(await versionsOf(set)).toEqual([1, 2]);
  });
});

describe('a rollout the signing policy refuses', () => {
  it('answers 422 naming signature to an unsigned rollout on a set requiring signatures, and stores nothing', async () => {
    const { set } = await requiredSet();
    const res = await post(set, REQUEST);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.fields?.[0]?.field).toBe('signature');
    expect(error.message).toMatch(/requires signed writes/);
    expect(await versionsOf(set)).toEqual([1]);
    const list = await (await call('GET', `/v1/sets/${set}/rollouts`)).json();
    expect(list).toMatchObject({ rollouts: [] });
  });

  it('answers 422 naming rollback_signature to a candidate signature without one, before the hub sees it', async () => {
    const { set, v1 } = await requiredSet();
    const { signature } = await signRollout({ set, head: v1, params: candidateParams(v1), message: REQUEST.message }, alice);
    const res = await post(set, { ...REQUEST, signature }, v1);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.fields?.[0]?.field).toBe('rollback_signature');
    expect(error.fields?.[0]?.expected).toMatch(/both "signature" .* and "rollback_signature"/);
    expect(await versionsOf(set)).toEqual([1]);
  });

  it('answers 422 naming rollback_signature when the rollback was signed by an untrusted key or for another rollback, and stores no candidate', async () => {
    const { set, v1 } = await requiredSet();
    const params = candidateParams(v1);
    const good = await signRollout({ set, head: v1, params, message: REQUEST.message }, alice);
    const byMallory = await signRollout({ set, head: v1, params, message: REQUEST.message }, mallory);
    // A rollback signed for another candidate document: it would not verify after this candidate.
    const otherCandidate = await signRollout(
      { set, head: v1, params: { ...params, base_half_spread_bps: 9 }, message: REQUEST.message },
      alice,
    );
    const cases = [
      { rollback_signature: byMallory.rollback_signature, field: 'rollback_signature.key' },
      { rollback_signature: otherCandidate.rollback_signature, field: 'rollback_signature' },
      // The candidate's own signature replayed as the rollback's.
      { rollback_signature: good.signature, field: 'rollback_signature' },
    ];
    for (const { rollback_signature, field } of cases) {
      const res = await post(set, { ...REQUEST, signature: good.signature, rollback_signature }, v1);
      expect(res.status).toBe(422);
      const error = await errorOf(res);
      expect(error.fields?.[0]?.field).toBe(field);
      expect(error.message).toMatch(/^rollback_signature \(the rollout's rollback/);
    }
    expect(await versionsOf(set)).toEqual([1]);
    // The genuine pair still starts it: nothing above was kept.
    expect((await signedRollout(set, v1)).version).toBe(2);
  });

  it('answers 422 naming signature to a candidate signed on another head', async () => {
    const { set, v1 } = await requiredSet();
    const stale = { ...v1, params: { ...v1.params, order_size: 0.1 } };
    const signatures = await signRollout({ set, head: stale, params: candidateParams(v1), message: REQUEST.message }, alice);
    const res = await post(set, { ...REQUEST, ...signatures }, v1);
    expect(res.status).toBe(422);
    expect((await errorOf(res)).fields?.[0]?.field).toBe('signature');
    expect(await versionsOf(set)).toEqual([1]);
  });
});
