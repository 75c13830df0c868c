/**
 * The simulator does not flatter (issue 12): queue position from adds and cancels, markouts from
 * the mid before the aggressor, impact, latency jitter, rebates, and the fault knobs a real venue
 * shows. Seeded; no wall clock anywhere.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../engine/backtest/run-backtest.ts';
import { resolveScenario, type ScenarioKnobs } from '../../../engine/sim/scenarios.ts';
import { SimExchange } from '../../../engine/sim/sim-exchange.ts';
import type { Fill, VenueListener } from '../../../engine/venue/venue.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';

const QUIET: Partial<ScenarioKnobs> = {
  volatilityBpsPerSqrtS: 0,
  signalsPerMinute: 0,
  marketOrdersPerS: 0,
  permanentImpactBpsPerUnit: 0,
  temporaryImpactBpsPerUnit: 0,
  orderLatencyJitterMs: 0,
  marketDataJitterMs: 0,
};

function listener(over: Partial<VenueListener> = {}): VenueListener {
  return {
    onBook() {},
    onOrderAccepted() {},
    onOrderRejected() {},
    onOrderEnded() {},
    onCancelRejected() {},
    onFill() {},
    onPosition() {},
    onConnectionChange() {},
    ...over,
  };
}

describe('queue position from adds and cancels', () => {
  it('never improves without trades when nothing is cancelled: a noisy book no longer ratchets it down', () => {
    const sim = new SimExchange(resolveScenario('calm', { ...QUIET, depthRefreshPerS: 0, depthNoise: 0.3 }), 4);
    sim.setListener(listener());
    const price = sim.bestBid();
    sim.place({ id: 1, side: 'buy', price, size: 0.3, type: 'post_only', reduceOnly: false });
    sim.advanceTo(1_000);
    const ahead = sim.restingOrders()[0]!.queueAhead;
    expect(ahead).toBeGreaterThan(0);
    sim.advanceTo(120_000);
    expect(sim.restingOrders()[0]!.queueAhead).toBe(ahead);
  });

  it('with adds and cancels but no trades, moves only when the displayed size at its price fell, and never by more', () => {
    const sim = new SimExchange(resolveScenario('calm', { ...QUIET, depthRefreshPerS: 2 }), 5);
    sim.setListener(listener());
    const price = sim.bestBid();
    sim.place({ id: 1, side: 'buy', price, size: 0.3, type: 'post_only', reduceOnly: false });
    sim.advanceTo(1_000);
    let before = sim.restingOrders()[0]!;
    let ahead = before.queueAhead;
    let shown = sim.displayedAt('buy', price);
    let moves = 0;
    for (let t = 1_100; t <= 300_000; t += 100) {
      sim.advanceTo(t);
      before = sim.restingOrders()[0]!;
      const nowShown = sim.displayedAt('buy', price);
      if (before.queueAhead < ahead) {
        moves++;
        expect(nowShown).toBeLessThan(shown);
        expect(ahead - before.queueAhead).toBeLessThanOrEqual(shown - nowShown + 1e-9);
      }
      ahead = before.queueAhead;
      shown = nowShown;
    }
    expect(moves).toBeGreaterThan(0); // cancels ahead do happen, with a probability
  });
});

describe('market realism', () => {
  it('marks a maker fill from the mid before the aggressing order, not the mid it displaced', () => {
    const sim = new SimExchange(
      resolveScenario('calm', {
        ...QUIET,
        depthRefreshPerS: 0,
        depthNoise: 0,
        depthPerLevel: 1,
        depthSlope: 0,
        halfSpreadTicks: 0.5,
      }),
      1,
    );
    sim.setListener(listener());
    const before = sim.mid();
    sim.place({ id: 1, side: 'buy', price: sim.bestBid(), size: 0.5, type: 'post_only', reduceOnly: false });
    sim.advanceTo(100);
    sim.submitMarketOrder('sell', 4); // walks 1 + 0.5 (ours) + 1 + 1 + 0.5: the mid drops by ticks
    expect(sim.mid()).toBeLessThan(before);
    const fill = sim.accounting.fills[0]!;
    expect(fill.midAtFill).toBe(before);
    expect(sim.accounting.spreadCapture).toBeCloseTo(0.5 * (before - fill.price), 12);
  });

  it('moves the efficient price with a market order (permanent impact) and the book centre for a while (temporary)', () => {
    const knobs = resolveScenario('calm', {
      ...QUIET,
      permanentImpactBpsPerUnit: 1,
      temporaryImpactBpsPerUnit: 2,
      impactHalfLifeS: 1,
    });
    const sim = new SimExchange(knobs, 1);
    sim.setListener(listener());
    const fair = sim.fair();
    sim.submitMarketOrder('buy', 2);
    expect(sim.fair()).toBeCloseTo(fair * (1 + 2e-4), 9);
    expect(sim.synthetic.displacement).toBeGreaterThan(0);
    const shifted = sim.synthetic.displacement;
    sim.advanceTo(1_000);
    expect(sim.synthetic.displacement).toBeCloseTo(shifted / 2, 6);
  });

  it('jitters order latency per message yet keeps each path in order', () => {
    const sim = new SimExchange(resolveScenario('calm', { ...QUIET, orderLatencyMs: 10, orderLatencyJitterMs: 20 }), 2);
    const acks: [number, number][] = [];
    sim.setListener(listener({ onOrderAccepted: (id) => acks.push([id, sim.now]) }));
    for (let i = 1; i <= 50; i++) {
      sim.place({ id: i, side: 'buy', price: sim.bestBid() - 0.05, size: 0.01, type: 'post_only', reduceOnly: false });
      sim.advanceTo(i * 100);
    }
    sim.advanceTo(10_000);
    expect(acks.map(([id]) => id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const trips = acks.map(([id, at]) => at - (id - 1) * 100);
    expect(Math.min(...trips)).toBeGreaterThanOrEqual(20);
    expect(new Set(trips).size).toBeGreaterThan(10); // not one constant delay
  });

  it('never shows a negative displayed size, in a long toxic run with our orders in the queues', () => {
    const sim = new SimExchange(resolveScenario('toxic'), 7);
    let lowest = 0;
    sim.setListener(
      listener({
        onBook(book) {
          for (let i = 0; i < book.bidCount; i++) lowest = Math.min(lowest, book.bidSz[i]!);
          for (let i = 0; i < book.askCount; i++) lowest = Math.min(lowest, book.askSz[i]!);
        },
      }),
    );
    for (let t = 100; t <= 20 * 60_000; t += 100) {
      sim.advanceTo(t);
      if (sim.restingOrders().length < 2) {
        sim.place({ id: t, side: 'buy', price: sim.bestBid(), size: 0.5, type: 'post_only', reduceOnly: false });
        sim.place({ id: t + 1, side: 'sell', price: sim.bestAsk(), size: 0.5, type: 'post_only', reduceOnly: false });
      }
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(sim.accounting.fillCount).toBeGreaterThan(0);
  });
});

describe('fees and rebates', () => {
  it('accepts a negative maker fee as a rebate and books it: cash grows by it, fees go negative, the identity holds', () => {
    const sim = new SimExchange(
      resolveScenario('calm', { ...QUIET, depthRefreshPerS: 0, depthNoise: 0, makerFeeBps: -0.2, halfSpreadTicks: 0.5 }),
      1,
    );
    const fills: Fill[] = [];
    sim.setListener(listener({ onFill: (f) => fills.push(f) }));
    const price = sim.bestBid() - 0.01;
    sim.place({ id: 1, side: 'buy', price, size: 1, type: 'post_only', reduceOnly: false });
    sim.advanceTo(100);
    sim.submitMarketOrder('sell', 50);
    sim.advanceTo(1_000);
    const maker = fills.filter((f) => f.liquidity === 'maker');
    expect(maker).toHaveLength(1);
    expect(maker[0]!.fee).toBeCloseTo((-0.2 * price * 1) / 1e4, 12);
    expect(sim.accounting.cash).toBeCloseTo(-price + (0.2 * price) / 1e4, 12);
    expect(sim.accounting.makerFees).toBeLessThan(0);
    const parts = sim.accounting.pnlParts(sim.mid());
    expect(parts.spread_capture + parts.inventory - parts.taker_cost - parts.fees).toBeCloseTo(parts.total, 9);
  });

  it('refuses a rebate larger than the taker fee, naming the knob and the bound', () => {
    expect(() => resolveScenario('calm', { makerFeeBps: -5 })).toThrow(
      /makerFeeBps=-5: expected a finite number ≥ −takerFeeBps \(-4.5\)/,
    );
    expect(resolveScenario('calm', { makerFeeBps: -0.2 }).makerFeeBps).toBe(-0.2);
  });
});

describe('faults', () => {
  it('with fillDropRate = 0.02 the engine position equals the venue’s within a lot at least 95 % of the time', () => {
    const r = runBacktest({
      params: DEFAULT_PARAMS,
      scenario: 'toxic',
      overrides: { fillDropRate: 0.02 },
      seed: 3,
      durationMs: 30 * 60_000,
    });
    expect(r.faults.dropped_fills).toBeGreaterThan(5);
    expect(r.reconciliation.corrections).toBeGreaterThan(0);
    expect(r.reconciliation.mismatch_seconds / (30 * 60)).toBeLessThan(0.05);
    console.log(
      `fillDropRate 0.02: ${r.faults.dropped_fills} fills lost, ${r.reconciliation.corrections} corrections, mismatch ${r.reconciliation.mismatch_seconds} s of 1800 s, max ${r.reconciliation.max_abs_mismatch}`,
    );
  });

  it('refuses cancels at cancelRejectRate = 1: the order keeps resting and can still fill', () => {
    const sim = new SimExchange(resolveScenario('calm', { ...QUIET, cancelRejectRate: 1 }), 1);
    const refused: number[] = [];
    sim.setListener(listener({ onCancelRejected: (id) => refused.push(id) }));
    sim.place({ id: 1, side: 'buy', price: sim.bestBid(), size: 0.3, type: 'post_only', reduceOnly: false });
    sim.advanceTo(100);
    sim.cancel(1);
    sim.advanceTo(200);
    expect(refused).toEqual([1]);
    expect(sim.restingOrders().map((o) => o.id)).toEqual([1]);
  });

  it('disconnects: the venue cancels our orders, the engine hears of it, refuses orders while down and quotes again after', () => {
    const sim = new SimExchange(resolveScenario('calm', { disconnectsPerHour: 30, disconnectMs: 3_000 }), 2);
    const changes: boolean[] = [];
    const ended: string[] = [];
    const rejected: string[] = [];
    sim.setListener(
      listener({
        onConnectionChange: (c) => changes.push(c),
        onOrderEnded: (_, reason) => ended.push(reason),
        onOrderRejected: (_, reason) => rejected.push(reason),
      }),
    );
    let id = 0;
    for (let t = 100; t <= 3_600_000 && sim.disconnects < 2; t += 100) {
      sim.advanceTo(t);
      if (sim.restingOrders().length === 0)
        sim.place({ id: ++id, side: 'buy', price: sim.bestBid() - 0.05, size: 0.1, type: 'post_only', reduceOnly: false });
    }
    expect(sim.disconnects).toBe(2);
    expect(changes.slice(0, 3)).toEqual([false, true, false]);
    expect(ended).toContain('cancelled');
    expect(rejected).toContain('disconnected');
  });
});

describe('liquidation pacing in a toxic run (repair 2)', () => {
  it('takes steps whose median is at most 25 % of |Q| at the default params, never the whole position', () => {
    const r = runBacktest({ params: DEFAULT_PARAMS, scenario: 'toxic', seed: 1, durationMs: 60 * 60_000 });
    expect(r.liquidation.orders).toBeGreaterThan(10);
    expect(r.liquidation.median_step_fraction!).toBeLessThanOrEqual(0.25);
    expect(r.liquidation.max_step_fraction!).toBeLessThan(0.5);
    console.log(
      `toxic liquidation: ${r.liquidation.orders} IOCs, median step ${(r.liquidation.median_step_fraction! * 100).toFixed(1)} % of |Q|, max ${(r.liquidation.max_step_fraction! * 100).toFixed(1)} %`,
    );
  });
});
