import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { resolveScenario } from '../../../engine/sim/scenarios.ts';
import { SimExchange } from '../../../engine/sim/sim-exchange.ts';
import { QuotingEngine } from '../../../engine/strategy/quoting-engine.ts';
import type { Fill, RejectReason, VenueListener } from '../../../engine/venue/venue.ts';

/** A market that stands still: no moves, no signal, no takers, no impact, no churn, 5 units on every level. */
const STILL = resolveScenario('calm', {
  volatilityBpsPerSqrtS: 0,
  signalsPerMinute: 0,
  marketOrdersPerS: 0,
  depthPerLevel: 5,
  depthSlope: 0,
  depthNoise: 0,
  depthRefreshPerS: 0,
  permanentImpactBpsPerUnit: 0,
  temporaryImpactBpsPerUnit: 0,
  orderLatencyJitterMs: 0,
  marketDataJitterMs: 0,
  halfSpreadTicks: 0.5,
});

function recorder() {
  const fills: Fill[] = [];
  const rejected: [number, RejectReason][] = [];
  const accepted: number[] = [];
  const listener: VenueListener = {
    onBook() {},
    onOrderAccepted: (id) => accepted.push(id),
    onOrderRejected: (id, reason) => rejected.push([id, reason]),
    onOrderEnded() {},
    onCancelRejected() {},
    onFill: (f) => fills.push(f),
    onPosition() {},
    onConnectionChange() {},
  };
  return { fills, rejected, accepted, listener };
}

function runWithEngine(seed: number, minutes: number) {
  const sim = new SimExchange(resolveScenario('toxic'), seed);
  const engine = new QuotingEngine({ venue: sim, params: { get: () => DEFAULT_PARAMS }, clock: { now: () => sim.now } });
  sim.setListener(engine);
  engine.start();
  for (let t = 100; t <= minutes * 60_000; t += 100) {
    sim.advanceTo(t);
    engine.onTimer();
  }
  return { sim, engine };
}

describe('simulated exchange', () => {
  it('replays the identical fill list for the same seed, and another for another seed', () => {
    const a = runWithEngine(11, 20).sim.accounting.fills;
    const b = runWithEngine(11, 20).sim.accounting.fills;
    const c = runWithEngine(12, 20).sim.accounting.fills;
    expect(a.length).toBeGreaterThan(20);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('fills an order behind 5 units only after 5 units traded at its price', () => {
    const sim = new SimExchange(STILL, 1);
    const r = recorder();
    sim.setListener(r.listener);
    expect(sim.bestBid()).toBe(99.99);
    expect(sim.displayedAt('buy', 99.99)).toBe(5);
    sim.place({ id: 1, side: 'buy', price: 99.99, size: 0.5, type: 'post_only', reduceOnly: false });
    sim.advanceTo(1_000);
    expect(r.accepted).toEqual([1]);
    expect(sim.submitMarketOrder('sell', 3)).toBe(3);
    sim.advanceTo(2_000); // book refreshes in between: the queue ahead never grows back
    sim.submitMarketOrder('sell', 2);
    sim.advanceTo(3_000);
    expect(r.fills).toHaveLength(0);
    sim.submitMarketOrder('sell', 0.2);
    sim.advanceTo(4_000);
    expect(r.fills.map((f) => [f.orderId, f.side, f.price, f.size, f.liquidity])).toEqual([[1, 'buy', 99.99, 0.2, 'maker']]);
    expect(r.fills[0]!.fee).toBeCloseTo((99.99 * 0.2 * 1.5) / 1e4, 12);
    expect(sim.accounting.position).toBeCloseTo(0.2, 12);
  });

  it('rejects a post-only order that would cross and books nothing', () => {
    const sim = new SimExchange(STILL, 1);
    const r = recorder();
    sim.setListener(r.listener);
    sim.place({ id: 7, side: 'buy', price: sim.bestAsk(), size: 0.3, type: 'post_only', reduceOnly: false });
    sim.place({ id: 8, side: 'sell', price: sim.bestBid(), size: 0.3, type: 'post_only', reduceOnly: false });
    sim.advanceTo(1_000);
    expect(r.rejected).toEqual([
      [7, 'post_only_would_cross'],
      [8, 'post_only_would_cross'],
    ]);
    expect(sim.restingOrders()).toHaveLength(0);
    expect(sim.accounting.fills).toHaveLength(0);
  });

  it('a reduce-only IOC takes liquidity at taker fees and never flips the position', () => {
    const sim = new SimExchange(STILL, 1);
    const r = recorder();
    sim.setListener(r.listener);
    sim.place({ id: 1, side: 'sell', price: 99.5, size: 1, type: 'ioc', reduceOnly: true });
    sim.advanceTo(1_000);
    expect(r.rejected).toEqual([[1, 'reduce_only_would_increase']]);
    sim.place({ id: 2, side: 'buy', price: 100.5, size: 1, type: 'ioc', reduceOnly: false });
    sim.advanceTo(2_000);
    sim.place({ id: 3, side: 'sell', price: 99.5, size: 5, type: 'ioc', reduceOnly: true });
    sim.advanceTo(3_000);
    expect(sim.accounting.position).toBe(0);
    expect(r.fills.every((f) => f.liquidity === 'taker')).toBe(true);
    expect(r.fills[0]!.fee).toBeCloseTo((100.01 * 1 * 4.5) / 1e4, 12);
  });

  it('keeps cash + position·mid equal to realized + unrealized − fees after every event', () => {
    const sim = new SimExchange(resolveScenario('volatile'), 3);
    const engine = new QuotingEngine({ venue: sim, params: { get: () => DEFAULT_PARAMS }, clock: { now: () => sim.now } });
    sim.setListener(engine);
    engine.start();
    let worst = 0;
    for (let t = 100; t <= 30 * 60_000; t += 100) {
      while (sim.processNext(t)) {
        const mid = sim.mid();
        worst = Math.max(worst, Math.abs(sim.accounting.pnl(mid) - sim.accounting.pnlFromCostBasis(mid)));
      }
      engine.onTimer();
    }
    expect(sim.accounting.fills.length).toBeGreaterThan(50);
    expect(worst).toBeLessThan(1e-6);
  });

  it('names the accepted scenarios when given an unknown one, and rejects a bad knob', () => {
    expect(() => resolveScenario('stormy')).toThrow(/calm, volatile, toxic, regime-switch/);
    expect(() => resolveScenario('calm', { stepMs: Number.NaN })).toThrow(/stepMs/);
  });
});

describe('accounting retention', () => {
  it('keeps running figures exact when old fills are dropped from a long-running loop', async () => {
    const { SimAccounting } = await import('../../../engine/matcher/sim-accounting.ts');
    const all = new SimAccounting(0);
    const kept = new SimAccounting(0, 5);
    for (let i = 0; i < 200; i++) {
      const fill = {
        time: i * 1000,
        orderId: i,
        side: i % 3 === 0 ? ('sell' as const) : ('buy' as const),
        price: 100 + (i % 7) * 0.01,
        size: 0.1,
        fee: 0.0015,
        liquidity: 'maker' as const,
        midAtFill: 100.02,
      };
      for (const acc of [all, kept]) {
        acc.advance(i * 1000, 100 + (i % 5) * 0.01);
        acc.recordFill(fill);
      }
    }
    for (const acc of [all, kept]) acc.advance(300_000, 100);
    expect(kept.fills.length).toBeLessThanOrEqual(5);
    expect(kept.fillCount).toBe(200);
    for (const h of [0, 1, 2]) expect(kept.meanMarkout(h)).toBeCloseTo(all.meanMarkout(h)!, 12);
    expect(kept.meanRealizedSpread()).toBeCloseTo(all.meanRealizedSpread()!, 12);
    expect(kept.pnl(100)).toBeCloseTo(all.pnl(100), 12);
  });
});
