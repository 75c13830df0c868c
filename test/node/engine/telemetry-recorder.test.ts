import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TelemetryRecorder } from '../../../engine/telemetry/telemetry-recorder.ts';
import { EngineDriver } from '../helpers/engine-driver.ts';
import { mergeTelemetryDeltas } from '../../../engine/telemetry/merge-telemetry-deltas.ts';
import { QuotingEngine } from '../../../engine/strategy/quoting-engine.ts';
import type { Fill } from '../../../engine/venue/venue.ts';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { TelemetryDeltaSchema, type TelemetryDelta } from '../../../shared/telemetry.ts';
import { RecordingVenue, bookAround } from '../helpers/engine-fakes.ts';

const LINEAGE = 'AAAAAAAAAAAAAAAAAAAAAA';

let fillSeq = 0;
function fill(orderId: number, side: 'buy' | 'sell', size: number, price: number, over: Partial<Fill> = {}): Fill {
  return { fillId: `f${++fillSeq}`, orderId, symbol: 'SIM', side, price, size, fee: 0, liquidity: 'maker', time: 0, ...over };
}

/** An engine with a recorder, a fake venue, a settable clock and a settable params version. */
function rig(startVersion = 7) {
  const venue = new RecordingVenue();
  const s = { now: 0, version: startVersion as number | null, params: DEFAULT_PARAMS as Readonly<Params> };
  const recorder = new TelemetryRecorder({
    version: () => s.version,
    lineage: () => LINEAGE,
    clock: { now: () => 1_700_000_000_000 + s.now },
  });
  const engine = new QuotingEngine({
    venue,
    params: { get: () => s.params },
    clock: { now: () => s.now },
    observer: recorder,
    paramsVersion: () => s.version,
  });
  engine.start();
  engine.onPosition('SIM', 0);
  return { venue, engine, recorder, s };
}

const byVersion = (delta: TelemetryDelta, v: number) => delta.versions.find((x) => x.params_version === v);

describe('telemetry recorder: attribution', () => {
  it('counts fills of orders placed under v7 for v7 even when they fill after the swap to v8', () => {
    const { venue, engine, recorder, s } = rig(7);
    engine.onBook(bookAround(100));
    const [bid, ask] = venue.placed;
    engine.onOrderAccepted(bid!.id);
    engine.onOrderAccepted(ask!.id);
    s.now = 1_000;
    s.version = 8;
    s.params = { ...DEFAULT_PARAMS, base_half_spread_bps: 20 };
    engine.onBook(bookAround(100)); // v8 in force: the new spread makes the engine requote (cancels)
    s.now = 1_500;
    engine.onFill(fill(bid!.id, 'buy', 0.3, bid!.price)); // placed under v7, fills under v8
    engine.onOrderEnded(ask!.id, 'cancelled');
    const delta = TelemetryDeltaSchema.parse(recorder.takeDelta());
    const v7 = byVersion(delta, 7)!;
    const v8 = byVersion(delta, 8)!;
    expect(v7).toMatchObject({ maker_fills: 1, volume: 0.3, orders: 2, cancels: 2 });
    expect(v8.maker_fills).toBe(0);
    expect(v8.orders).toBeGreaterThan(0); // the requoted ask
    // Time goes to the version in force: v7 for the first second, v8 after.
    expect(v7.elapsed_s).toBeCloseTo(1, 9);
    expect(v8.elapsed_s).toBeCloseTo(0.5, 9);
    // Spread capture of the v7 fill: bought 0.05 below the mid of 100, 0.3 lots.
    expect(v7.pnl.spread).toBeCloseTo(0.015, 9);
    expect(v8.pnl.spread).toBe(0);
    expect(delta.versions.every((v) => v.lineage === LINEAGE)).toBe(true);
  });

  it('measures quote uptime as the time both sides rest, not the time orders are pending', () => {
    const { venue, engine, recorder, s } = rig(3);
    engine.onBook(bookAround(100)); // both placed, pending
    s.now = 400;
    engine.onOrderAccepted(venue.placed[0]!.id); // one side rests
    s.now = 1_000;
    engine.onOrderAccepted(venue.placed[1]!.id); // both rest from here
    s.now = 3_000;
    engine.onTimer();
    const v3 = byVersion(recorder.takeDelta(), 3)!;
    expect(v3.elapsed_s).toBeCloseTo(3, 9);
    expect(v3.quoted_s).toBeCloseTo(2, 9);
  });

  it('reports each interval once: a second delta holds only what happened after the first', () => {
    const { venue, engine, recorder, s } = rig(2);
    engine.onBook(bookAround(100));
    const first = recorder.takeDelta();
    expect(byVersion(first, 2)!.orders).toBe(2);
    s.now = 100;
    engine.onOrderRejected(venue.placed[0]!.id, 'post_only_would_cross');
    const second = recorder.takeDelta();
    expect(byVersion(second, 2)).toMatchObject({ orders: 0, rejects: 1 });
    expect(second.from).toBe(first.to);
  });

  it('keeps params without an edge version out of the delta (the contract has no place for them)', () => {
    const { engine, recorder } = rig(7);
    const unversioned = rig(7);
    unversioned.s.version = null;
    unversioned.engine.onBook(bookAround(100));
    expect(unversioned.recorder.takeDelta().versions).toEqual([]);
    engine.onBook(bookAround(100));
    expect(recorder.takeDelta().versions).toHaveLength(1);
  });

  it('keeps at most the configured number of versions, never dropping the current one', () => {
    let version = 1;
    const recorder = new TelemetryRecorder({ version: () => version, lineage: () => LINEAGE, retainedVersions: 3 });
    for (version = 1; version <= 10; version++) recorder.onOrderPlaced(version, version);
    version = 10;
    expect(recorder.versions().map((v) => v.version)).toEqual([8, 9, 10]);
  });
});

describe('telemetry recorder: markouts', () => {
  it('takes a horizon only once its time has passed, against the mid in force at that instant', () => {
    const recorder = new TelemetryRecorder({ version: () => 1, lineage: () => LINEAGE });
    const engine = new EngineDriver(recorder);
    engine.book(0, 100);
    recorder.onFill(fill(1, 'buy', 1, 99.9), 1, 1, 0);
    engine.book(500, 101);
    recorder.onTime(999);
    const early = recorder.takeDelta().versions[0]!;
    expect(early.markout_bps['1s'].n).toBe(0);
    expect(early.realized_spread_bps).toMatchObject({ n: 1 }); // (100 − 99.9) / 100 → 10 bps
    expect(early.realized_spread_bps.sum).toBeCloseTo(10, 9);
    engine.book(1_500, 103); // the mid at 1 s was 101, not 103
    const late = recorder.takeDelta().versions[0]!;
    expect(late.markout_bps['1s'].n).toBe(1);
    expect(late.markout_bps['1s'].sum).toBeCloseTo(((101 - 99.9) / 99.9) * 1e4, 9);
    expect(late.markout_bps['5s'].n).toBe(0);
  });

  it('signs markouts so that positive is good for us on both sides', () => {
    const recorder = new TelemetryRecorder({ version: () => 1, lineage: () => LINEAGE });
    const engine = new EngineDriver(recorder);
    engine.book(0, 100);
    recorder.onFill(fill(1, 'sell', 1, 100.1), 1, -1, 0);
    engine.book(1_000, 99); // sold, then the price fell: good
    const v = recorder.takeDelta().versions[0]!;
    expect(v.markout_bps['1s'].sum).toBeGreaterThan(0);
    expect(v.pnl.spread).toBeCloseTo(0.1, 9);
  });

  it('equals a reference computed from the whole history, for any sequence of mids and fills', () => {
    const event = fc.oneof(
      fc.record({
        kind: fc.constant('mid' as const),
        dt: fc.integer({ min: 0, max: 3_000 }),
        mid: fc.double({ min: 50, max: 150, noNaN: true }),
      }),
      fc.record({
        kind: fc.constant('fill' as const),
        dt: fc.integer({ min: 0, max: 3_000 }),
        buy: fc.boolean(),
        off: fc.double({ min: -1, max: 1, noNaN: true }),
      }),
      fc.record({ kind: fc.constant('time' as const), dt: fc.integer({ min: 0, max: 40_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) => {
        const taken: { h: number; bps: number; at: number }[] = [];
        let now = 0;
        const recorder = new TelemetryRecorder({
          version: () => 1,
          lineage: () => LINEAGE,
          onMarkout: (_v, key, bps) => taken.push({ h: Number.parseInt(key, 10) * 1000, bps, at: now }),
        });
        const engine = new EngineDriver(recorder);
        const mids: { t: number; mid: number }[] = [{ t: 0, mid: 100 }];
        const fills: { t: number; price: number; sign: number }[] = [];
        engine.book(0, 100);
        let position = 0;
        for (const e of events) {
          now += e.dt;
          if (e.kind === 'mid') {
            engine.book(now, e.mid);
            mids.push({ t: now, mid: e.mid });
          } else if (e.kind === 'fill') {
            const price = mids.at(-1)!.mid + e.off;
            position += e.buy ? 1 : -1;
            recorder.onFill(fill(1, e.buy ? 'buy' : 'sell', 1, price), 1, position, now);
            fills.push({ t: now, price, sign: e.buy ? 1 : -1 });
          } else recorder.onTime(now);
        }
        // Reference: a horizon is taken iff the last event is at or past fill time + h; the mid is
        // the last one seen at or before fill time + h.
        const expected: { h: number; bps: number }[] = [];
        for (const f of fills)
          for (const h of [1_000, 5_000, 30_000, 60_000]) {
            if (f.t + h > now) continue;
            const mid = mids.filter((m) => m.t <= f.t + h).at(-1)!.mid;
            expected.push({ h, bps: ((f.sign * (mid - f.price)) / f.price) * 1e4 });
          }
        const sortKey = (x: { h: number; bps: number }) => `${x.h}:${x.bps.toFixed(9)}`;
        expect(taken.map(sortKey).sort()).toEqual(expected.map(sortKey).sort());
        // Never taken before its horizon passed.
        for (const t of taken) expect(fills.some((f) => t.at >= f.t + t.h)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('mergeTelemetryDeltas', () => {
  it('adds two deltas per version and spans both intervals', () => {
    const recorder = new TelemetryRecorder({ version: () => 4, lineage: () => LINEAGE, clock: { now: () => 0 } });
    const engine = new EngineDriver(recorder);
    engine.book(0, 100);
    recorder.onFill(fill(1, 'buy', 1, 99.9), 4, 1, 0);
    const a = recorder.takeDelta(1_000);
    recorder.onFill(fill(2, 'buy', 2, 99.8), 4, 3, 10);
    const b = recorder.takeDelta(2_000);
    const { delta, dropped } = mergeTelemetryDeltas(a, b);
    expect(dropped).toBe(0);
    expect(TelemetryDeltaSchema.parse(delta)).toEqual(delta);
    expect(delta.from).toBe(a.from);
    expect(delta.to).toBe(b.to);
    expect(delta.versions).toHaveLength(1);
    expect(delta.versions[0]).toMatchObject({ maker_fills: 2, volume: 3 });
    expect(delta.inventory).toEqual({ last: 3, min: 0, max: 3 });
  });
});
