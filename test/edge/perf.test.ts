/**
 * Telemetry on the edge: reports' deltas rolled up per version, runner, region and minute in the
 * hub's SQLite, read back by `perf` and `compare`; bad telemetry refused without losing the
 * report's status; minute rows compacted into hours by the alarm on the hub's (fake) clock; and the
 * rollups bounded under a long synthetic history.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { FleetSchema, WatchServerMessageSchema, type WatchServerMessage } from '../../shared/api.ts';
import { systemClock } from '../../shared/clock.ts';
import { CompareAnswerSchema, PerfAnswerSchema } from '../../shared/perf.ts';
import type { EdgeConfig } from '../../edge/config.ts';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import { syntheticDelta, type SyntheticVersion } from '../../tools/synthetic-telemetry.ts';
import { call, createSet, errorOf, freshSet, lineageOf, putParams, READ_TOKEN } from './helpers.ts';

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

/** The hub's clock fixed at `ms` (sleeps stay real: the flush timer is not what these tests wait for). */
async function setClock(set: string, ms: number): Promise<void> {
  await runInDurableObject(hub(set), (instance: ParamsHub) => {
    instance.clock = { ...systemClock, now: () => ms };
  });
}

function reportBody(lineage: string, telemetry: unknown, region = 'eu-west-1', applied = 1) {
  return { region, applied_version: applied, lineage, sync_state: 'ready', telemetry };
}

function postReport(set: string, runner: string, body: unknown): Promise<Response> {
  return call('POST', `/v1/sets/${set}/runners/${runner}/report`, { token: READ_TOKEN, body });
}

async function perf(set: string, query: string) {
  const res = await call('GET', `/v1/sets/${set}/perf?${query}`, { token: READ_TOKEN });
  expect(res.status, await res.clone().text()).toBe(200);
  return PerfAnswerSchema.parse(await res.json());
}

/** A set with v1 and v2 (v2 by "ops", the write token's name). */
async function twoVersions(prefix: string): Promise<{ set: string; lineage: string }> {
  const set = freshSet(prefix);
  expect((await createSet(set, { skew_adjustment_factor: 0.5 })).status).toBe(201);
  expect((await putParams(set, 1, { skew_adjustment_factor: 0.8 }, 'lean harder against inventory')).status).toBe(200);
  return { set, lineage: await lineageOf(set) };
}

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);

describe('reports with telemetry', () => {
  it('answers 422 naming the field of bad telemetry, and keeps the status part', async () => {
    const { set, lineage } = await twoVersions('perf-bad');
    const telemetry = syntheticDelta(T0, [{ version: 1, lineage, markouts: [1] }]);
    (telemetry.versions[0] as { maker_fills: number }).maker_fills = -3;
    const res = await postReport(set, 'fra-1', reportBody(lineage, telemetry, 'eu-central-1', 2));
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.fields?.map((f) => f.field)).toEqual(['telemetry.versions.0.maker_fills']);
    expect(error.message).toContain('its status was recorded');
    const fleet = FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`, { token: READ_TOKEN })).json());
    expect(fleet.runners.map((r) => [r.runner_id, r.region, r.applied_version])).toEqual([['fra-1', 'eu-central-1', 2]]);
    expect(JSON.stringify(fleet)).not.toContain('telemetry');
    expect((await perf(set, 'by=version')).groups).toEqual([]);
  });

  it('refuses telemetry for a version the set does not have, or of another lineage, and stores none of it', async () => {
    const { set, lineage } = await twoVersions('perf-foreign');
    const unknown = await postReport(
      set,
      'r1',
      reportBody(lineage, syntheticDelta(T0, [{ version: 9, lineage, markouts: [1] }])),
    );
    expect(unknown.status).toBe(422);
    expect((await errorOf(unknown)).fields?.[0]).toMatchObject({ field: 'telemetry.versions.0.params_version', value: 9 });
    const other = 'another-lineage-0000';
    const foreign = await postReport(
      set,
      'r1',
      reportBody(
        lineage,
        syntheticDelta(T0, [
          { version: 1, lineage, markouts: [1] },
          { version: 2, lineage: other, markouts: [2] },
        ]),
      ),
    );
    expect(foreign.status).toBe(422);
    expect((await errorOf(foreign)).fields?.[0]?.field).toBe('telemetry.versions.1.lineage');
    expect((await perf(set, 'by=version')).groups).toEqual([]);
    // The status of both reports was kept.
    const fleet = FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`, { token: READ_TOKEN })).json());
    expect(fleet.runners.map((r) => r.runner_id)).toEqual(['r1']);
  });
});

describe('telemetry on the watch socket', () => {
  it("rolls up a socket report's telemetry, keeps it out of the fleet entry, and counts refused telemetry", async () => {
    const { set, lineage } = await twoVersions('perf-ws');
    const res = await call('GET', `/v1/sets/${set}/watch`, { token: READ_TOKEN, headers: { Upgrade: 'websocket' } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    ws.accept();
    const send = (telemetry: unknown) =>
      ws.send(JSON.stringify({ type: 'report', runner_id: 'ws-1', report: reportBody(lineage, telemetry, 'us-east-1', 2) }));
    send(syntheticDelta(T0, [{ version: 2, lineage, markouts: [5, 7] }]));
    // Another lineage: refused and counted, the status still recorded.
    send(syntheticDelta(T0, [{ version: 2, lineage: 'another-lineage-0000', markouts: [100] }]));
    const groups = await vi.waitUntil(
      async () => {
        const answer = await perf(set, 'by=runner');
        return answer.groups.length > 0 ? answer.groups : undefined;
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(groups.map((g) => [g.key, g.metrics.fills, g.metrics.markout_bps['5s']])).toEqual([['ws-1', 2, 6]]);
    await vi.waitUntil(() => runInDurableObject(hub(set), (instance: ParamsHub) => instance.telemetryRefused === 1), {
      timeout: 10_000,
      interval: 20,
    });
    const fleet = FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`, { token: READ_TOKEN })).json());
    expect(fleet.runners.map((r) => [r.runner_id, r.region])).toEqual([['ws-1', 'us-east-1']]);
    expect(JSON.stringify(fleet)).not.toContain('telemetry');
    expect((await perf(set, 'by=runner')).groups[0]!.metrics.fills).toBe(2);
    ws.close(1000);
  });

  it('records the status of a socket report whose telemetry breaks the schema, counts the telemetry as refused, and keeps the socket open', async () => {
    const { set, lineage } = await twoVersions('perf-ws-bad');
    const res = await call('GET', `/v1/sets/${set}/watch`, { token: READ_TOKEN, headers: { Upgrade: 'websocket' } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const messages: WatchServerMessage[] = [];
    ws.addEventListener('message', (event) => {
      messages.push(WatchServerMessageSchema.parse(JSON.parse(String(event.data))));
    });
    const closes: number[] = [];
    ws.addEventListener('close', (event) => {
      closes.push(event.code);
    });
    ws.accept();
    const telemetry = syntheticDelta(T0, [{ version: 2, lineage, markouts: [5] }]);
    (telemetry.versions[0] as { maker_fills: number }).maker_fills = -3;
    ws.send(JSON.stringify({ type: 'report', runner_id: 'ws-bad', report: reportBody(lineage, telemetry, 'ap-south-1', 2) }));
    // Answered after the report was handled: a socket closed for the report would never answer.
    ws.send(JSON.stringify({ type: 'ping' }));
    await vi.waitUntil(() => messages.some((m) => m.type === 'pong'), { timeout: 10_000, interval: 20 });
    await vi.waitUntil(() => runInDurableObject(hub(set), (instance: ParamsHub) => instance.telemetryRefused === 1), {
      timeout: 10_000,
      interval: 20,
    });
    const fleet = FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`, { token: READ_TOKEN })).json());
    expect(fleet.runners.map((r) => [r.runner_id, r.region, r.applied_version])).toEqual([['ws-bad', 'ap-south-1', 2]]);
    // A report with a valid status is no refused message: the socket's budget is untouched.
    expect(fleet.refused).toEqual({ rate_limited: 0, invalid: 0, sockets_closed: 0 });
    expect((await perf(set, 'by=runner')).groups).toEqual([]);
    expect(closes).toEqual([]);
    ws.close(1000);
  });

  it('still closes the socket (1007) when the status part of a report is what breaks the schema', async () => {
    const { set, lineage } = await twoVersions('perf-ws-badstatus');
    const res = await call('GET', `/v1/sets/${set}/watch`, { token: READ_TOKEN, headers: { Upgrade: 'websocket' } });
    const ws = res.webSocket!;
    const closed = new Promise<number>((resolve) => ws.addEventListener('close', (e) => resolve(e.code)));
    ws.accept();
    const report = { ...reportBody(lineage, syntheticDelta(T0, [{ version: 2, lineage, markouts: [5] }])), sync_state: 'dazed' };
    ws.send(JSON.stringify({ type: 'report', runner_id: 'ws-bad', report }));
    expect(await closed).toBe(1007);
  });
});

describe('perf', () => {
  it('sums deltas per version, region and runner, with series and the version changes marked', async () => {
    const { set, lineage } = await twoVersions('perf-sum');
    await setClock(set, T0 + 30_000);
    const v1: SyntheticVersion = {
      version: 1,
      lineage,
      markouts: [2, 4],
      pnl: { spread: 3, inventory: -1, fees: 0.5, taker: -0.5 },
    };
    const v2: SyntheticVersion = { version: 2, lineage, markouts: [-1], elapsedS: 30, quotedS: 15, pnl: { spread: 1 } };
    expect(
      (await postReport(set, 'fra-1', reportBody(lineage, syntheticDelta(T0, [v1, v2], { last: 1, min: -1, max: 2 }), 'eu')))
        .status,
    ).toBe(200);
    await setClock(set, T0 + 90_000);
    expect(
      (await postReport(set, 'tyo-1', reportBody(lineage, syntheticDelta(T0, [v1], { last: -0.5, min: -0.5, max: 0 }), 'ap')))
        .status,
    ).toBe(200);

    const from = new Date(T0 - 3600_000).toISOString();
    const to = new Date(T0 + 3600_000).toISOString();
    const byVersion = await perf(set, `by=version&from=${from}&to=${to}&bucket=1m`);
    expect(byVersion.groups.map((g) => g.key)).toEqual(['1', '2']);
    const [g1, g2] = byVersion.groups;
    expect(g1!.metrics.fills).toBe(4);
    expect(g1!.metrics.markout_bps['5s']).toBe(3);
    expect(g1!.metrics.pnl).toEqual({ spread: 6, inventory: -2, fees: 1, taker: -1, total: 4 });
    expect(g1!.series!.map((p) => [p.at, p.metrics.fills])).toEqual([
      [new Date(T0).toISOString(), 2],
      [new Date(T0 + 60_000).toISOString(), 2],
    ]);
    expect(g2!.metrics.quote_uptime).toBe(0.5);
    expect(g2!.metrics.fill_rate_per_min).toBe(2);
    expect(g2!.metrics.markout_bps['60s']).toBe(-1);
    expect(byVersion.versions.map((v) => [v.version, v.author, v.message])).toEqual([
      [1, 'ops', 'create'],
      [2, 'ops', 'lean harder against inventory'],
    ]);

    const byRegion = await perf(set, `by=region&from=${from}&to=${to}`);
    expect(byRegion.groups.map((g) => [g.key, g.metrics.fills, g.metrics.inventory])).toEqual([
      ['ap', 2, { last: -0.5, min: -0.5, max: 0 }],
      ['eu', 3, { last: 1, min: -1, max: 2 }],
    ]);
    expect(byRegion.groups[0]!.series).toBeUndefined();
    const byRunner = await perf(set, `by=runner&from=${from}&to=${to}`);
    expect(byRunner.groups.map((g) => g.key)).toEqual(['fra-1', 'tyo-1']);
  });

  it('answers 400 naming the parameter for a bad grouping, bucket or window', async () => {
    const { set } = await twoVersions('perf-400');
    for (const [query, words] of [
      ['by=color', 'by = "color" is not accepted: expected one of version, region, runner'],
      ['bucket=7m', 'bucket = "7m" is not accepted'],
      ['from=yesterday', 'from = "yesterday" is not accepted'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'must be before to'],
      ['from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'at most 90 days'],
    ] as const) {
      const res = await call('GET', `/v1/sets/${set}/perf?${query}`, { token: READ_TOKEN });
      expect(res.status, query).toBe(400);
      expect((await errorOf(res)).message).toContain(words);
    }
    await setClock(set, T0);
    const old = await call('GET', `/v1/sets/${set}/perf?bucket=1m&from=${new Date(T0 - 72 * 3600_000).toISOString()}`, {
      token: READ_TOKEN,
    });
    expect(old.status).toBe(400);
    expect((await errorOf(old)).message).toContain('use bucket=1h or coarser');
    expect((await call('GET', `/v1/sets/no-such-set-perf/perf`, { token: READ_TOKEN })).status).toBe(404);
  });
});

describe('compare', () => {
  /** `minutes` runner-minutes of each version, markouts drawn around `meanA` and `meanB`. */
  async function history(set: string, lineage: string, minutes: number, meanA: number, meanB: number): Promise<void> {
    for (let i = 0; i < minutes; i++) {
      const wobble = (i % 5) - 2;
      for (const [version, mean] of [
        [1, meanA],
        [2, meanB],
      ] as const) {
        await setClock(set, T0 + i * 60_000);
        const runner = `r${version}`;
        const res = await postReport(
          set,
          runner,
          reportBody(
            lineage,
            syntheticDelta(T0, [{ version, lineage, markouts: [mean + wobble, mean - wobble / 2] }]),
            'eu',
            version,
          ),
        );
        expect(res.status).toBe(200);
      }
    }
  }

  it('gives each metric per version, the difference with a 95 % interval from Welch on per-minute figures', async () => {
    const { set, lineage } = await twoVersions('perf-cmp');
    await history(set, lineage, 12, 1, 4);
    const res = await call('GET', `/v1/sets/${set}/perf/compare?a=1&b=2`, { token: READ_TOKEN });
    expect(res.status).toBe(200);
    const answer = CompareAnswerSchema.parse(await res.json());
    expect(answer.test.name).toContain('Welch');
    expect([answer.a.runner_minutes, answer.b.runner_minutes]).toEqual([12, 12]);
    expect(answer.b.message).toBe('lean harder against inventory');
    const markout = answer.metrics.find((m) => m.metric === 'markout_5s_bps')!;
    expect(markout.a.n).toBe(12);
    expect(markout.verdict).toBe('higher');
    expect(markout.difference!.estimate).toBeCloseTo(3, 6);
    expect(markout.difference!.ci95.low).toBeGreaterThan(0);
    expect(markout.difference!.ci95.high).toBeGreaterThan(markout.difference!.estimate);
    expect(markout.summary).toContain('v2 is higher than v1');
    // Same uptime every minute on both sides: nothing to test, said plainly.
    const uptime = answer.metrics.find((m) => m.metric === 'quote_uptime')!;
    expect(uptime.verdict).toBe('too_little_data');
  });

  it('says plainly when there is too little data to tell', async () => {
    const { set, lineage } = await twoVersions('perf-few');
    await history(set, lineage, 3, 1, 4);
    const answer = CompareAnswerSchema.parse(
      await (await call('GET', `/v1/sets/${set}/perf/compare?a=1&b=2`, { token: READ_TOKEN })).json(),
    );
    const markout = answer.metrics.find((m) => m.metric === 'markout_5s_bps')!;
    expect(markout.verdict).toBe('too_little_data');
    expect(markout.difference).toBeNull();
    expect(markout.summary).toContain('too little data to tell: v1 has 3 runner-minutes with a figure, v2 has 3');
  });

  it('answers 404 for a version the set does not have and 400 for the same version twice', async () => {
    const { set } = await twoVersions('perf-cmp-404');
    expect((await call('GET', `/v1/sets/${set}/perf/compare?a=1&b=7`, { token: READ_TOKEN })).status).toBe(404);
    expect((await call('GET', `/v1/sets/${set}/perf/compare?a=2&b=2`, { token: READ_TOKEN })).status).toBe(400);
    expect((await call('GET', `/v1/sets/${set}/perf/compare?a=1`, { token: READ_TOKEN })).status).toBe(400);
  });
});

describe('rollup storage', () => {
  it('compacts minute rows older than 48 h into hourly rows when the alarm runs, keeping the totals', async () => {
    const { set, lineage } = await twoVersions('perf-compact');
    for (let i = 0; i < 5; i++) {
      await setClock(set, T0 + i * 60_000);
      const body = reportBody(lineage, syntheticDelta(T0, [{ version: 1, lineage, markouts: [i] }]), 'eu');
      expect((await postReport(set, 'r1', body)).status).toBe(200);
    }
    const window = `from=${new Date(T0 - 3600_000).toISOString()}&to=${new Date(T0 + 3600_000).toISOString()}`;
    const before = await perf(set, `by=version&${window}`);
    expect(await runInDurableObject(hub(set), async (instance: ParamsHub) => (await instance.perfSize()).rows)).toBe(5);

    // 49 h later, the hub's alarm runs (set due now here, whatever the reports scheduled) and compacts.
    await setClock(set, T0 + 49 * 3600_000);
    await runInDurableObject(hub(set), (_instance: ParamsHub, state) => {
      return state.storage.setAlarm(T0 + 49 * 3600_000);
    });
    expect(await runDurableObjectAlarm(hub(set))).toBe(true);
    expect(await runInDurableObject(hub(set), async (instance: ParamsHub) => (await instance.perfSize()).rows)).toBe(1);
    const after = await perf(set, `by=version&${window}`);
    expect(after.groups).toEqual(before.groups);
    // Hourly rows answer hourly series; a minute bucket over them is refused with a way out.
    const hourly = await perf(set, `by=version&${window}&bucket=1h`);
    expect(hourly.groups[0]!.series!.map((p) => p.metrics.fills)).toEqual([5]);
    // And the alarm keeps coming while there are rows.
    expect(await runInDurableObject(hub(set), (_i: ParamsHub, state) => state.storage.getAlarm())).not.toBeNull();
  });

  it('stays within its row cap under a long synthetic history, keeping the newest figures', async () => {
    const { set, lineage } = await twoVersions('perf-bounded');
    const cap = 3000;
    const days = 100;
    const stepMs = 10 * 60_000;
    const measured = await runInDurableObject(hub(set), async (instance: ParamsHub) => {
      (instance as { config: EdgeConfig }).config = { ...instance.config, perfMaxRows: cap };
      let now = T0;
      instance.clock = { ...systemClock, now: () => now };
      const sender = (runner: string) => ({ runnerId: runner, token: 'bot' });
      let maxRows = 0;
      for (let t = T0; t < T0 + days * 86_400_000; t += stepMs) {
        now = t;
        for (const runner of ['fra-1', 'tyo-1', 'nyc-1']) {
          const delta = syntheticDelta(t, [
            { version: 1, lineage, markouts: [1, 2], elapsedS: 0 },
            { version: 2, lineage, markouts: [3], elapsedS: 600 },
          ]);
          const status = { region: runner.slice(0, 3), applied_version: 2, lineage, sync_state: 'ready' as const };
          const result = await instance.report(set, sender(runner), status, delta);
          if (!result.ok) throw new Error(result.error.message);
        }
        // The alarm's pace: compaction every hour of fake time.
        if ((t - T0) % 3_600_000 === 0) await instance.compactPerf();
        maxRows = Math.max(maxRows, (await instance.perfSize()).rows);
      }
      return { maxRows, ...(await instance.perfSize()) };
    });
    expect(measured.maxRows).toBeLessThanOrEqual(cap);
    // The whole database (versions, fleet, rollups, indexes) stays small: well under 1 KiB per row.
    expect(measured.databaseBytes).toBeLessThan(cap * 1024);
    const latest = await perf(
      set,
      `by=version&from=${new Date(T0 + (days - 1) * 86_400_000).toISOString()}&to=${new Date(T0 + days * 86_400_000).toISOString()}`,
    );
    expect(latest.groups.map((g) => g.key)).toEqual(['1', '2']);
    expect(latest.retention.evicted_rows).toBeGreaterThan(0);
    expect(latest.retention.max_rows).toBe(cap);
  }, 120_000);
});
