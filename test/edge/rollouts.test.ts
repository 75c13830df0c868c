/**
 * Guarded rollouts inside workerd: who is given the candidate (region, ids, sticky percentage), the
 * alarm's decisions on an injected clock (promotion after the bake time, breach → rollback or
 * pause), the operator's promote and abort, the kill switch and plain writes during a rollout, and
 * a hub that restarts mid-rollout.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import {
  FleetSchema,
  VersionPageSchema,
  VersionSchema,
  WatchServerMessageSchema,
  type Version,
  type WatchServerMessage,
} from '../../shared/api.ts';
import { systemClock } from '../../shared/clock.ts';
import { etagFor } from '../../shared/etag.ts';
import { isAssigned, rolloutBucket } from '../../shared/rollout-assignment.ts';
import { RolloutAnswerSchema, type Rollout, type RolloutRequestInput } from '../../shared/rollout.ts';
import type { TelemetryDelta } from '../../shared/telemetry.ts';
import { READ_TOKEN, call, createSet, errorOf, freshSet, lineageOf, tagOf } from './helpers.ts';

// Ahead of the wall clock: the hub's rate limiters saw the real time when the set was created.
const T0 = Date.now() + 60_000;

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

/** Sets the hub's clock to `t` (a new instance after a restart needs it again). */
async function clockAt(set: string, t: number): Promise<void> {
  await runInDurableObject(hub(set), (instance: ParamsHub) => {
    instance.clock = { ...systemClock, now: () => t };
  });
}

/** Runs the hub's alarm as if the clock read `t`. */
async function alarmAt(set: string, t: number): Promise<void> {
  await clockAt(set, t);
  await runInDurableObject(hub(set), (instance: ParamsHub) => instance.alarm());
}

async function start(set: string, body: RolloutRequestInput): Promise<Rollout> {
  const res = await call('POST', `/v1/sets/${set}/rollouts`, { body });
  if (res.status !== 201) throw new Error(`rollout answered ${res.status}: ${await res.text()}`);
  return RolloutAnswerSchema.parse(await res.json()).rollout;
}

async function rolloutOf(set: string, id: string): Promise<Rollout> {
  const res = await call('GET', `/v1/sets/${set}/rollouts/${id}`);
  expect(res.status).toBe(200);
  return RolloutAnswerSchema.parse(await res.json()).rollout;
}

/** What a runner is given on the params path. */
async function readAs(set: string, runner: string, region: string): Promise<{ version: Version; etag: string | null }> {
  const res = await call('GET', `/v1/sets/${set}/params?runner=${runner}&region=${region}`, { token: READ_TOKEN });
  expect(res.status).toBe(200);
  return { version: VersionSchema.parse(await res.json()), etag: res.headers.get('ETag') };
}

async function headOf(set: string): Promise<Version> {
  return VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/params`)).json());
}

function sums(n: number, mean: number, sd = 1) {
  // n samples of mean ± sd (half above, half below): sum and sum of squares that give them.
  return { n, sum: n * mean, sum_sq: n * (mean * mean + sd * sd) };
}

/** A telemetry delta of `fills` maker fills of version `v`, with their 5 s markout mean and a P&L. */
function delta(lineage: string, v: number, { fills = 0, markout = 0, pnl = 0, inventory = 0 } = {}): TelemetryDelta {
  const zero = { n: 0, sum: 0, sum_sq: 0 };
  return {
    from: new Date(T0).toISOString(),
    to: new Date(T0 + 5000).toISOString(),
    versions: [
      {
        params_version: v,
        lineage,
        elapsed_s: 5,
        quoted_s: 5,
        maker_fills: fills,
        taker_fills: 0,
        volume: fills,
        orders: fills,
        cancels: 0,
        rejects: 0,
        pnl: { spread: pnl, inventory: 0, fees: 0, taker: 0 },
        markout_bps: { '1s': zero, '5s': fills > 0 ? sums(fills, markout) : zero, '30s': zero, '60s': zero },
        realized_spread_bps: zero,
      },
    ],
    inventory: { last: inventory, min: Math.min(0, inventory), max: Math.max(0, inventory) },
  };
}

async function report(set: string, runner: string, body: Record<string, unknown>): Promise<void> {
  const res = await call('POST', `/v1/sets/${set}/runners/${runner}/report`, {
    token: READ_TOKEN,
    body: { sync_state: 'ready', ...body },
  });
  if (res.status !== 200) throw new Error(`report answered ${res.status}: ${await res.text()}`);
}

/** A set at version 1 with the hub's clock at T0. */
async function freshSetAtT0(): Promise<{ set: string; lineage: string }> {
  const set = freshSet('roll');
  expect((await createSet(set, {})).status).toBe(201);
  await clockAt(set, T0);
  return { set, lineage: await lineageOf(set) };
}

const EU_THEN_ALL = {
  params: { base_half_spread_bps: 7 },
  message: 'wider quotes, canary in eu first',
  stages: [
    { runners: { regions: ['eu-west-1'] }, bake_s: 600 },
    { runners: { percent: 100 }, bake_s: 600 },
  ],
} satisfies RolloutRequestInput;

describe('stage assignment', () => {
  it('gives the candidate to the stage region only; everyone else keeps the head, each with its own ETag', async () => {
    const { set, lineage } = await freshSetAtT0();
    const rollout = await start(set, EU_THEN_ALL);
    expect(rollout).toMatchObject({ id: 'r2', version: 2, base: 1, state: 'running', stage: 0 });
    const eu = await readAs(set, 'fra-1', 'eu-west-1');
    expect(eu.version).toMatchObject({ version: 2, rollout: { id: 'r2' }, params: { base_half_spread_bps: 7 } });
    expect(eu.etag).toBe(etagFor(set, lineage, 2));
    const us = await readAs(set, 'nyc-1', 'us-east-1');
    expect(us.version.version).toBe(1);
    expect(us.etag).toBe(etagFor(set, lineage, 1));
    // A reader that does not say who it is, and the history's head, stay on version 1.
    expect((await headOf(set)).version).toBe(1);
    // The candidate is in the history (immutable, gap-free), marked as such.
    const page = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions`)).json());
    expect(page.versions.map((v) => [v.version, v.rollout?.id])).toEqual([
      [2, 'r2'],
      [1, undefined],
    ]);
    // If-None-Match on its own version: 304 for each.
    const again = await call('GET', `/v1/sets/${set}/params?runner=fra-1&region=eu-west-1`, {
      token: READ_TOKEN,
      headers: { 'If-None-Match': etagFor(set, lineage, 2) },
    });
    expect(again.status).toBe(304);
  });

  it('gives the candidate to the listed runner ids only', async () => {
    const { set } = await freshSetAtT0();
    await start(set, { ...EU_THEN_ALL, stages: [{ runners: { ids: ['fra-2'] }, bake_s: 60 }] });
    expect((await readAs(set, 'fra-2', 'eu-west-1')).version.version).toBe(2);
    expect((await readAs(set, 'fra-1', 'eu-west-1')).version.version).toBe(1);
  });

  it('picks a sticky share of runners by hash: 10 % of the fleet is inside the 50 % of the same rollout', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `runner-${i}`);
    const ten = ids.filter((id) => isAssigned({ id: 'r7', stages: [{ runners: { percent: 10 } }] }, { runner: id }));
    const fifty = ids.filter((id) => isAssigned({ id: 'r7', stages: [{ runners: { percent: 50 } }] }, { runner: id }));
    expect(ten.every((id) => fifty.includes(id))).toBe(true);
    // An even spread: about 40 and 200 of 400 (binomial, far outside 5 standard deviations would be a bug).
    expect(ten.length).toBeGreaterThan(40 - 30);
    expect(ten.length).toBeLessThan(40 + 30);
    expect(fifty.length).toBeGreaterThan(200 - 50);
    expect(fifty.length).toBeLessThan(200 + 50);
    // Another rollout picks other runners (the rollout id salts the hash).
    const otherTen = ids.filter((id) => isAssigned({ id: 'r8', stages: [{ runners: { percent: 10 } }] }, { runner: id }));
    expect(otherTen).not.toEqual(ten);
    expect(rolloutBucket('r7', 'runner-1')).toBe(rolloutBucket('r7', 'runner-1'));

    // And the edge answers the same split.
    const { set } = await freshSetAtT0();
    const rollout = await start(set, {
      ...EU_THEN_ALL,
      stages: [{ runners: { percent: 30 } }, { runners: { percent: 100 } }].map((s) => ({ ...s, bake_s: 60 })),
    });
    const sample = ids.slice(0, 40);
    for (const id of sample) {
      const expected = isAssigned({ id: rollout.id, stages: [{ runners: { percent: 30 } }] }, { runner: id }) ? 2 : 1;
      expect((await readAs(set, id, 'anywhere')).version.version).toBe(expected);
    }
  });

  it('answers a held long-poll of a runner in the stage with the candidate', async () => {
    const { set, lineage } = await freshSetAtT0();
    const polling = call('GET', `/v1/sets/${set}/params?wait=30&runner=fra-1&region=eu-west-1`, {
      token: READ_TOKEN,
      headers: { 'If-None-Match': etagFor(set, lineage, 1) },
    });
    await vi.waitUntil(() => runInDurableObject(hub(set), (instance: ParamsHub) => instance.waiters.size === 1), {
      timeout: 5000,
      interval: 5,
    });
    await start(set, EU_THEN_ALL);
    const res = await polling;
    expect(res.status).toBe(200);
    expect(VersionSchema.parse(await res.json()).version).toBe(2);
  });

  it('pushes the candidate on the watch socket of a runner in the stage, and the promotion to the others', async () => {
    const { set } = await freshSetAtT0();
    const open = async (query: string) => {
      const res = await call('GET', `/v1/sets/${set}/watch?${query}`, { token: READ_TOKEN, headers: { Upgrade: 'websocket' } });
      expect(res.status).toBe(101);
      const ws = res.webSocket!;
      const messages: WatchServerMessage[] = [];
      ws.addEventListener('message', (event) => messages.push(WatchServerMessageSchema.parse(JSON.parse(String(event.data)))));
      ws.accept();
      return { ws, messages };
    };
    const eu = await open('runner=fra-1&region=eu-west-1');
    const us = await open('runner=nyc-1&region=us-east-1');
    await vi.waitUntil(() => eu.messages.length === 1 && us.messages.length === 1, { timeout: 5000, interval: 5 });
    const rollout = await start(set, { ...EU_THEN_ALL, stages: [{ runners: { regions: ['eu-west-1'] }, bake_s: 60 }] });
    await vi.waitUntil(() => eu.messages.length === 2, { timeout: 5000, interval: 5 });
    expect(eu.messages[1]).toMatchObject({ type: 'version', version: { version: 2 } });
    await alarmAt(set, T0 + 61_000);
    expect((await rolloutOf(set, rollout.id)).state).toBe('promoted');
    await vi.waitUntil(() => us.messages.length === 2, { timeout: 5000, interval: 5 });
    expect(us.messages[1]).toMatchObject({ type: 'version', version: { version: 2 } });
    // The eu runner already had it: not sent twice.
    expect(eu.messages).toHaveLength(2);
    eu.ws.close(1000);
    us.ws.close(1000);
  });

  it('refuses a runner id or region the fleet would refuse (400 naming it)', async () => {
    const { set } = await freshSetAtT0();
    const res = await call('GET', `/v1/sets/${set}/params?runner=${encodeURIComponent('a b')}`, { token: READ_TOKEN });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain('runner = "a b" is not accepted');
    const region = await call('GET', `/v1/sets/${set}/params?region=${encodeURIComponent('eu\nx')}`, { token: READ_TOKEN });
    expect(region.status).toBe(400);
    expect((await errorOf(region)).message).toContain('region');
  });
});

describe('the alarm', () => {
  it('promotes stage by stage once each bake time passes, then makes the candidate the head', async () => {
    const { set } = await freshSetAtT0();
    const rollout = await start(set, EU_THEN_ALL);
    await alarmAt(set, T0 + 300_000);
    expect((await rolloutOf(set, rollout.id)).stage).toBe(0);
    expect((await readAs(set, 'nyc-1', 'us-east-1')).version.version).toBe(1);
    await alarmAt(set, T0 + 600_000);
    const second = await rolloutOf(set, rollout.id);
    expect(second).toMatchObject({ state: 'running', stage: 1 });
    expect(second.events.at(-1)).toMatchObject({ kind: 'stage', detail: { stage: 2, reason: 'bake', baked_s: 600 } });
    expect((await readAs(set, 'nyc-1', 'us-east-1')).version.version).toBe(2);
    expect((await headOf(set)).version).toBe(1);
    await alarmAt(set, T0 + 1_200_000);
    const done = await rolloutOf(set, rollout.id);
    expect(done).toMatchObject({ state: 'promoted', outcome_version: 2 });
    expect(done.events.map((e) => e.kind)).toEqual(['started', 'stage', 'promoted']);
    expect((await headOf(set)).version).toBe(2);
    // Plain writes are taken again.
    const res = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 0.4 }, message: 'after' },
      headers: { 'If-Match': await tagOf(set, 2) },
    });
    expect(res.status).toBe(200);
    expect(VersionSchema.parse(await res.json())).toMatchObject({ version: 3, parent: 2 });
  });

  it('rolls back on a breach: a new version equal to the head, for every runner, with the numbers in the events', async () => {
    const { set, lineage } = await freshSetAtT0();
    const rollout = await start(set, {
      ...EU_THEN_ALL,
      guardrails: [
        { metric: 'abs_inventory_ratio', max: 0.8 },
        { metric: 'drawdown', max: 20 },
      ],
    });
    // The canary applied the candidate and its inventory reached 2.7 of max_position 3 (0.9).
    await report(set, 'fra-1', {
      region: 'eu-west-1',
      applied_version: 2,
      lineage,
      telemetry: delta(lineage, 2, { fills: 4, pnl: -5, inventory: 2.7 }),
    });
    // A control runner's report changes nothing for the canary's figures.
    await report(set, 'nyc-1', {
      region: 'us-east-1',
      applied_version: 1,
      lineage,
      telemetry: delta(lineage, 1, { fills: 4, pnl: 1, inventory: 2.9 }),
    });
    await alarmAt(set, T0 + 5000);
    const ended = await rolloutOf(set, rollout.id);
    expect(ended).toMatchObject({ state: 'rolled_back', outcome_version: 3 });
    const breach = ended.events.find((e) => e.kind === 'breach');
    expect(breach?.detail).toMatchObject({
      stage: 1,
      breaches: [{ metric: 'abs_inventory_ratio', value: 0.9, max: 0.8, n: 1, runner: 'fra-1', verdict: 'breach' }],
    });
    expect(ended.events.at(-1)).toMatchObject({ kind: 'rolled_back', detail: { version: 3, to: 1 } });
    // Version 3: the params of version 1, after the candidate; the candidate never became the head.
    const v3 = await headOf(set);
    expect(v3).toMatchObject({ version: 3, kind: 'rollback', rollback_of: 1, parent: 2, author: 'livetune-rollout' });
    expect(v3.params.base_half_spread_bps).toBe(5);
    expect((await readAs(set, 'fra-1', 'eu-west-1')).version.version).toBe(3);
    expect((await readAs(set, 'nyc-1', 'us-east-1')).version.version).toBe(3);
    const fleet = FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`)).json());
    expect(fleet.runners.map((r) => [r.runner_id, r.applied_version, r.assigned_version])).toEqual([
      ['fra-1', 2, 3],
      ['nyc-1', 1, 3],
    ]);
  });

  it('measures drawdown from the P&L a runner reports when its reports carry no telemetry', async () => {
    const { set, lineage } = await freshSetAtT0();
    const rollout = await start(set, { ...EU_THEN_ALL, guardrails: [{ metric: 'drawdown', max: 20 }] });
    // Its P&L before it applied the candidate does not count; on the candidate it peaks at 10, then falls to −11.
    await report(set, 'fra-1', { region: 'eu-west-1', applied_version: 1, lineage, trading: { pnl: 100 } });
    await report(set, 'fra-1', { region: 'eu-west-1', applied_version: 2, lineage, trading: { pnl: 4 } });
    await report(set, 'fra-1', { region: 'eu-west-1', applied_version: 2, lineage, trading: { pnl: 10 } });
    await alarmAt(set, T0 + 5000);
    expect((await rolloutOf(set, rollout.id)).readings[0]).toMatchObject({ verdict: 'ok', value: 0 });
    await report(set, 'fra-1', { region: 'eu-west-1', applied_version: 2, lineage, trading: { pnl: -11 } });
    await alarmAt(set, T0 + 10_000);
    const ended = await rolloutOf(set, rollout.id);
    expect(ended.state).toBe('rolled_back');
    expect(ended.events.find((e) => e.kind === 'breach')?.detail).toMatchObject({
      breaches: [{ metric: 'drawdown', value: 21, max: 20, runner: 'fra-1' }],
    });
  });

  it('judges markouts against the control group only with enough fills and 95 % confidence', async () => {
    const { set, lineage } = await freshSetAtT0();
    const rollout = await start(set, {
      ...EU_THEN_ALL,
      guardrails: [{ metric: 'markout_5s_bps', vs_control: true, min: -0.5, min_fills: 20 }],
    });
    // 10 canary fills at −3 bps: too few to judge.
    await report(set, 'fra-1', {
      region: 'eu-west-1',
      applied_version: 2,
      lineage,
      telemetry: delta(lineage, 2, { fills: 10, markout: -3 }),
    });
    await report(set, 'nyc-1', {
      region: 'us-east-1',
      applied_version: 1,
      lineage,
      telemetry: delta(lineage, 1, { fills: 40, markout: 1 }),
    });
    await alarmAt(set, T0 + 5000);
    let now = await rolloutOf(set, rollout.id);
    expect(now.state).toBe('running');
    expect(now.readings[0]).toMatchObject({ metric: 'markout_5s_bps', verdict: 'insufficient', n: 10, control_n: 40 });
    // 30 more: 40 fills at −3 against 40 at +1 (sd 1): a difference of −4 bps, clearly below −0.5.
    await report(set, 'fra-1', {
      region: 'eu-west-1',
      applied_version: 2,
      lineage,
      telemetry: delta(lineage, 2, { fills: 30, markout: -3 }),
    });
    await alarmAt(set, T0 + 10_000);
    now = await rolloutOf(set, rollout.id);
    expect(now.state).toBe('rolled_back');
    const breach = now.events.find((e) => e.kind === 'breach')!.detail.breaches as {
      value: number;
      n: number;
      control_n: number;
      confidence_bound: number;
    }[];
    expect(breach[0]!.value).toBeCloseTo(-4, 6);
    expect(breach[0]).toMatchObject({ n: 40, control_n: 40 });
    expect(breach[0]!.confidence_bound).toBeLessThan(-0.5);
  });

  it('does not call a small, noisy markout difference a breach', async () => {
    const { set, lineage } = await freshSetAtT0();
    const rollout = await start(set, {
      ...EU_THEN_ALL,
      guardrails: [{ metric: 'markout_5s_bps', vs_control: true, min: -0.5 }],
    });
    const noisy = (v: number, fills: number, mean: number) => {
      const d = delta(lineage, v, { fills, markout: mean });
      d.versions[0]!.markout_bps['5s'] = sums(fills, mean, 10);
      return d;
    };
    await report(set, 'fra-1', { region: 'eu-west-1', applied_version: 2, lineage, telemetry: noisy(2, 25, -1) });
    await report(set, 'nyc-1', { region: 'us-east-1', applied_version: 1, lineage, telemetry: noisy(1, 25, 0) });
    await alarmAt(set, T0 + 5000);
    const now = await rolloutOf(set, rollout.id);
    expect(now.state).toBe('running');
    expect(now.readings[0]).toMatchObject({ verdict: 'ok', value: -1 });
  });

  it('pauses on a breach when asked to: the stage keeps the candidate until promote', async () => {
    const { set, lineage } = await freshSetAtT0();
    const rollout = await start(set, { ...EU_THEN_ALL, on_breach: 'pause', guardrails: [{ metric: 'nacks', max: 0 }] });
    await report(set, 'fra-1', {
      region: 'eu-west-1',
      applied_version: 1,
      lineage,
      rejected: { version: 2, lineage, reason: 'order_size above this runner limit' },
    });
    await alarmAt(set, T0 + 5000);
    const paused = await rolloutOf(set, rollout.id);
    expect(paused.state).toBe('paused');
    expect(paused.events.map((e) => e.kind)).toEqual(['started', 'breach', 'paused']);
    expect((await readAs(set, 'fra-2', 'eu-west-1')).version.version).toBe(2);
    // Nothing moves on its own while paused.
    await alarmAt(set, T0 + 3_600_000);
    expect((await rolloutOf(set, rollout.id)).state).toBe('paused');
    const res = await call('POST', `/v1/sets/${set}/rollouts/${rollout.id}/promote`, {
      body: { message: 'the nack was a stale runner' },
    });
    expect(res.status).toBe(200);
    expect(RolloutAnswerSchema.parse(await res.json()).rollout).toMatchObject({ state: 'running', stage: 1 });
  });
});

describe('operator decisions', () => {
  it('promote moves one stage at once, and past the last one makes the candidate the head', async () => {
    const { set } = await freshSetAtT0();
    const rollout = await start(set, EU_THEN_ALL);
    const promote = () => call('POST', `/v1/sets/${set}/rollouts/${rollout.id}/promote`, { body: {} });
    expect(RolloutAnswerSchema.parse(await (await promote()).json()).rollout).toMatchObject({ stage: 1, state: 'running' });
    const done = RolloutAnswerSchema.parse(await (await promote()).json()).rollout;
    expect(done).toMatchObject({ state: 'promoted' });
    expect(done.events.at(-1)).toMatchObject({ kind: 'promoted', detail: { by: 'ops', reason: 'manual' } });
    expect((await headOf(set)).version).toBe(2);
    const again = await promote();
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toContain('rollout r2 is promoted');
  });

  it('abort rolls back at once for every runner', async () => {
    const { set } = await freshSetAtT0();
    const rollout = await start(set, EU_THEN_ALL);
    const res = await call('POST', `/v1/sets/${set}/rollouts/${rollout.id}/abort`, { body: { message: 'changed my mind' } });
    expect(res.status).toBe(200);
    const ended = RolloutAnswerSchema.parse(await res.json()).rollout;
    expect(ended).toMatchObject({ state: 'aborted', outcome_version: 3 });
    expect(ended.events.at(-1)).toMatchObject({
      kind: 'aborted',
      detail: { cause: 'operator', by: 'ops', message: 'changed my mind', version: 3 },
    });
    expect(await headOf(set)).toMatchObject({ version: 3, kind: 'rollback', rollback_of: 1, author: 'ops' });
    expect((await readAs(set, 'fra-1', 'eu-west-1')).version.version).toBe(3);
  });

  it('needs write scope, and refuses a second rollout while one is in flight (409 naming it)', async () => {
    const { set } = await freshSetAtT0();
    const denied = await call('POST', `/v1/sets/${set}/rollouts`, { token: READ_TOKEN, body: EU_THEN_ALL });
    expect(denied.status).toBe(403);
    await start(set, EU_THEN_ALL);
    const second = await call('POST', `/v1/sets/${set}/rollouts`, { body: { ...EU_THEN_ALL, params: { order_size: 0.5 } } });
    expect(second.status).toBe(409);
    expect((await errorOf(second)).message).toContain('rollout r2');
  });

  it('refuses a malformed rollout with 422 naming the field', async () => {
    const { set } = await freshSetAtT0();
    const cases: [unknown, string][] = [
      [{ ...EU_THEN_ALL, stages: [] }, 'stages'],
      [{ ...EU_THEN_ALL, stages: [{ runners: { percent: 0 }, bake_s: 1 }] }, 'stages.0.runners.percent'],
      [{ ...EU_THEN_ALL, guardrails: [{ metric: 'drawdown', vs_control: true, max: 1 }] }, 'guardrails.0.vs_control'],
      [{ ...EU_THEN_ALL, guardrails: [{ metric: 'drawdown' }] }, 'guardrails.0'],
      [{ ...EU_THEN_ALL, params: { base_half_spread_bps: -1 } }, 'base_half_spread_bps'],
      [{ ...EU_THEN_ALL, on_breach: 'shrug' }, 'on_breach'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', `/v1/sets/${set}/rollouts`, { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await errorOf(res)).fields?.map((f) => f.field)).toContain(field);
    }
    const nothing = await call('POST', `/v1/sets/${set}/rollouts`, {
      body: { ...EU_THEN_ALL, params: { base_half_spread_bps: 5 } },
    });
    expect(nothing.status).toBe(422);
    expect((await errorOf(nothing)).message).toContain('nothing to roll out');
  });
});

describe('writes during a rollout', () => {
  it('refuses a plain write with 409 naming the rollout; a kill switch aborts it and reaches every runner', async () => {
    const { set } = await freshSetAtT0();
    const rollout = await start(set, EU_THEN_ALL);
    const ifMatch = { 'If-Match': await tagOf(set, 1) };
    const plain = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 0.4 }, message: 'x' },
      headers: ifMatch,
    });
    expect(plain.status).toBe(409);
    expect(await errorOf(plain)).toMatchObject({ code: 'conflict', details: { rollout: 'r2' } });
    const kill = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { trading_mode: 'halted' }, message: 'kill switch' },
      headers: ifMatch,
    });
    expect(kill.status).toBe(200);
    // Halted on top of the head's params (not the candidate's), numbered after the candidate.
    expect(VersionSchema.parse(await kill.json())).toMatchObject({
      version: 3,
      parent: 2,
      params: { trading_mode: 'halted', base_half_spread_bps: 5 },
    });
    const ended = await rolloutOf(set, rollout.id);
    expect(ended).toMatchObject({ state: 'aborted', outcome_version: 3 });
    expect(ended.events.at(-1)).toMatchObject({ kind: 'aborted', detail: { cause: 'kill_switch', by: 'ops', version: 3 } });
    for (const [runner, region] of [
      ['fra-1', 'eu-west-1'],
      ['nyc-1', 'us-east-1'],
    ] as const)
      expect((await readAs(set, runner, region)).version).toMatchObject({ version: 3, params: { trading_mode: 'halted' } });
  });

  it('a plain rollback aborts the rollout, also one back to the head itself', async () => {
    const { set } = await freshSetAtT0();
    const rollout = await start(set, EU_THEN_ALL);
    const res = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 1, message: 'not now' } });
    expect(res.status).toBe(200);
    expect(VersionSchema.parse(await res.json())).toMatchObject({ version: 3, kind: 'rollback', rollback_of: 1, parent: 2 });
    expect((await rolloutOf(set, rollout.id)).events.at(-1)).toMatchObject({ kind: 'aborted', detail: { cause: 'rollback' } });
  });

  it('keeps versions gap-free and the candidate off the head under concurrent writes and a kill switch', async () => {
    const { set } = await freshSetAtT0();
    const rollout = await start(set, EU_THEN_ALL);
    const ifMatch = { 'If-Match': await tagOf(set, 1) };
    const patch = (params: Record<string, unknown>, message: string) =>
      call('PATCH', `/v1/sets/${set}/params`, { body: { params, message }, headers: ifMatch });
    const answers = await Promise.all([
      patch({ order_size: 0.4 }, 'a'),
      patch({ skew_adjustment_factor: 1 }, 'b'),
      patch({ trading_mode: 'halted' }, 'kill'),
      patch({ order_size: 0.5 }, 'c'),
      call('POST', `/v1/sets/${set}/rollouts/${rollout.id}/abort`, { body: {} }),
    ]);
    const statuses = answers.map((r) => r.status);
    // The kill switch always lands; plain writes were refused while the rollout ran (409) or named a
    // head that had moved on (412); the abort either ended the rollout or found it ended.
    expect(statuses[2]).toBe(200);
    for (const s of [statuses[0], statuses[1], statuses[3]]) expect([409, 412]).toContain(s);
    expect([200, 409]).toContain(statuses[4]);
    const page = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions`)).json());
    const numbers = page.versions.map((v) => v.version).reverse();
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    const head = await headOf(set);
    expect(head.version).toBe(numbers.at(-1));
    expect(head.rollout).toBeUndefined();
    expect(head.params.trading_mode).toBe('halted');
    expect((await rolloutOf(set, rollout.id)).state).toBe('aborted');
  });
});

describe('a hub restarted mid-rollout', () => {
  it('keeps the rollout, its tally and its assignment, and its alarm resumes', async () => {
    const { set, lineage } = await freshSetAtT0();
    const rollout = await start(set, {
      ...EU_THEN_ALL,
      stages: [
        { runners: { regions: ['eu-west-1'] }, bake_s: 60 },
        { runners: { percent: 100 }, bake_s: 60 },
      ],
      guardrails: [{ metric: 'drawdown', max: 20 }],
    });
    await report(set, 'fra-1', {
      region: 'eu-west-1',
      applied_version: 2,
      lineage,
      telemetry: delta(lineage, 2, { fills: 3, pnl: -12 }),
    });
    await alarmAt(set, T0 + 5000);
    await evictDurableObject(hub(set));
    // The new instance schedules the next evaluation itself.
    expect(await runInDurableObject(hub(set), (_i: ParamsHub, state) => state.storage.getAlarm())).not.toBeNull();
    expect((await readAs(set, 'fra-1', 'eu-west-1')).version.version).toBe(2);
    expect((await readAs(set, 'nyc-1', 'us-east-1')).version.version).toBe(1);
    expect((await headOf(set)).version).toBe(1);
    // The tally survived: 12 of drawdown, plus 10 more after the restart, breaches 20.
    await report(set, 'fra-1', {
      region: 'eu-west-1',
      applied_version: 2,
      lineage,
      telemetry: delta(lineage, 2, { fills: 3, pnl: -10 }),
    });
    await clockAt(set, T0 + 10_000);
    expect(await runDurableObjectAlarm(hub(set))).toBe(true);
    const ended = await rolloutOf(set, rollout.id);
    expect(ended.state).toBe('rolled_back');
    expect(ended.events.find((e) => e.kind === 'breach')?.detail).toMatchObject({
      breaches: [{ metric: 'drawdown', value: 22, max: 20, runner: 'fra-1' }],
    });
  });

  it('keeps a promoted candidate as the head after a restart, and a rolled-back one off it', async () => {
    const { set } = await freshSetAtT0();
    const first = await start(set, { ...EU_THEN_ALL, stages: [{ runners: { regions: ['eu-west-1'] }, bake_s: 0 }] });
    await call('POST', `/v1/sets/${set}/rollouts/${first.id}/abort`, { body: {} });
    const second = await start(set, {
      ...EU_THEN_ALL,
      params: { base_half_spread_bps: 6 },
      stages: [{ runners: { regions: ['eu-west-1'] }, bake_s: 0 }],
    });
    expect(second.version).toBe(4);
    await evictDurableObject(hub(set));
    expect((await headOf(set)).version).toBe(3);
    await alarmAt(set, T0 + 5000);
    await evictDurableObject(hub(set));
    expect(await headOf(set)).toMatchObject({ version: 4, params: { base_half_spread_bps: 6 } });
  });
});
