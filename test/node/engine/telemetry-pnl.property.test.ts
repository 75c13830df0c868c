/**
 * The P&L split of the telemetry recorder adds up to the engine's own P&L after every event, for
 * any sequence of books, venue answers, fills (maker and taker, partial, duplicated, late, with fees
 * or rebates), reconciles, disconnects and params swaps, driven through the real quoting engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TelemetryRecorder } from '../../../engine/telemetry/telemetry-recorder.ts';
import { QuotingEngine } from '../../../engine/strategy/quoting-engine.ts';
import { createBookView, type BookView } from '../../../engine/venue/book-view.ts';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { TelemetryDeltaSchema } from '../../../shared/telemetry.ts';
import { RecordingVenue } from '../helpers/engine-fakes.ts';

function book(mid: number): BookView {
  const view = createBookView(5);
  view.bidCount = 5;
  view.askCount = 5;
  for (let k = 0; k < 5; k++) {
    view.bidPx[k] = Math.round((mid - 0.01 * (k + 1)) * 100) / 100;
    view.askPx[k] = Math.round((mid + 0.01 * (k + 1)) * 100) / 100;
    view.bidSz[k] = 1 + k;
    view.askSz[k] = 2;
  }
  return view;
}

const pick = fc.nat({ max: 1_000 });
const event = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('book' as const), move: fc.double({ min: -0.5, max: 0.5, noNaN: true }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), pick }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('fill' as const),
      pick,
      part: fc.double({ min: 0.1, max: 1, noNaN: true }),
      slip: fc.double({ min: -0.2, max: 0.2, noNaN: true }),
      taker: fc.boolean(),
      fee: fc.double({ min: -0.01, max: 0.02, noNaN: true }),
      replay: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), pick, filled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('position' as const), q: fc.integer({ min: -300, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('connection' as const), up: fc.boolean() }) },
  // The venue ends every order as filled before their fills arrive, and a reconcile settles them:
  // their late fills then move cash but not the position.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('settle' as const), q: fc.integer({ min: -300, max: 300 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), spread: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('timer' as const), dt: fc.integer({ min: 0, max: 20_000 }) }) },
);

describe('telemetry P&L split', () => {
  it('spread + inventory + fees + taker equals the ledger P&L (less the opening position) after every event', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200, max: 200 }), fc.array(event, { maxLength: 120 }), (q0, events) => {
        const venue = new RecordingVenue();
        let now = 0;
        let version = 1;
        let params: Readonly<Params> = DEFAULT_PARAMS;
        const recorder = new TelemetryRecorder({
          version: () => version,
          lineage: () => 'AAAAAAAAAAAAAAAAAAAAAA',
          clock: { now: () => now },
        });
        const engine = new QuotingEngine({
          venue,
          params: { get: () => params },
          clock: { now: () => now },
          observer: recorder,
          paramsVersion: () => version,
        });
        engine.start();
        engine.onPosition('SIM', q0 / 100);
        let mid = 100;
        let fillSeq = 0;
        let lastFill = null as Parameters<QuotingEngine['onFill']>[0] | null;
        const check = (what: string) => {
          const ledger = engine.ledger.pnl(recorder.mark) - recorder.opening;
          const parts = recorder.pnlTotal();
          expect(Math.abs(parts - ledger), `${what}: parts ${parts} vs ledger ${ledger}`).toBeLessThan(1e-9);
          expect(recorder.position).toBeCloseTo(engine.ledger.position, 9);
        };
        check('start');
        for (const e of events) {
          now += 50;
          const order = venue.placed.length > 0 ? venue.placed[('pick' in e ? e.pick : 0) % venue.placed.length]! : null;
          switch (e.kind) {
            case 'book':
              mid = Math.max(1, Math.round((mid + e.move) * 100) / 100);
              engine.onBook(book(mid));
              break;
            case 'accept':
              if (order) engine.onOrderAccepted(order.id);
              break;
            case 'fill': {
              if (e.replay && lastFill) {
                engine.onFill(lastFill); // a replayed fill: the ledger ignores it, so must telemetry
                break;
              }
              if (!order) break;
              lastFill = {
                fillId: `f${++fillSeq}`,
                orderId: order.id,
                symbol: 'SIM',
                side: order.side,
                price: Math.round((order.price + e.slip) * 100) / 100,
                size: Math.round(order.size * e.part * 100) / 100 || 0.01,
                fee: e.fee,
                liquidity: e.taker ? 'taker' : 'maker',
                time: now,
              };
              engine.onFill(lastFill);
              break;
            }
            case 'end':
              if (order) engine.onOrderEnded(order.id, e.filled ? 'filled' : 'cancelled');
              break;
            case 'reject':
              if (order) engine.onOrderRejected(order.id, 'post_only_would_cross');
              break;
            case 'position':
              engine.onPosition('SIM', e.q / 100);
              break;
            case 'settle':
              engine.onConnectionChange(false);
              for (const o of venue.placed) engine.onOrderEnded(o.id, 'filled');
              engine.onPosition('SIM', e.q / 100);
              engine.onConnectionChange(true);
              break;
            case 'connection':
              engine.onConnectionChange(e.up);
              break;
            case 'swap':
              version += 1;
              params = { ...DEFAULT_PARAMS, base_half_spread_bps: e.spread };
              break;
            case 'timer':
              now += e.dt;
              engine.onTimer();
              break;
          }
          check(e.kind);
          // The per-version parts are the whole split while no version was dropped.
          if (recorder.versions().length === version) {
            let sum = 0;
            for (const v of recorder.versions()) {
              const p = v.totals().pnl;
              sum += p.spread + p.inventory + p.fees + p.taker;
            }
            expect(sum).toBeCloseTo(recorder.pnlTotal(), 6);
          }
        }
        expect(() => TelemetryDeltaSchema.parse(recorder.takeDelta())).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
