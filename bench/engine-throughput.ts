/**
 * The quoting loop's speed: book events/s through the Market Maker V2 engine (params read once per
 * event, state update, quote, order decisions), alone and under a swap storm of 1,000 swaps/s of
 * wall time, run side by side (alternating pairs, median of the pairs' ratios), so the storm's cost
 * is a ratio of two figures from the same second on the same machine.
 *
 * The engine is driven synchronously, without timers (its documented way: venue events in,
 * `onTimer()` from the driver): recorded simulator books are replayed into it, and a stub venue
 * accepts every order and confirms every cancel right after the event, as a zero-latency exchange
 * would. Rates are per CPU-second of the loop's thread (see measure.ts). A storm swap is a full `holder.update()` (schema validation + one reference assignment) on
 * the loop's own thread, as in the runner, alternating two documents the engine quotes differently.
 */
import { ParamsHolder } from '../runner/params/params-holder.ts';
import { QuotingEngine } from '../runner/strategy/quoting-engine.ts';
import type { BookView } from '../runner/venues/book-view.ts';
import type { OrderRequest, Venue, VenueListener } from '../runner/venues/venue.ts';
import { DEFAULT_PARAMS } from '../shared/params-schema.ts';
import type { Bench } from './bench-context.ts';
import { makeRow } from './bench-row.ts';
import { consume, threadCpuMs } from './measure.ts';
import { recordBooks, type RecordedBooks } from './recorded-books.ts';
import { median } from './stats.ts';

/** A zero-latency venue: answers are queued during an event and delivered right after it. */
class StubVenue implements Venue {
  readonly symbol = 'SIM';
  readonly market: RecordedBooks['market'];
  listener: VenueListener | null = null;
  accepted: number[] = [];
  cancelled: number[] = [];
  positionAsked = false;

  constructor(market: RecordedBooks['market']) {
    this.market = market;
  }

  setListener(listener: VenueListener): void {
    this.listener = listener;
  }

  place(order: OrderRequest): void {
    this.accepted.push(order.id);
  }

  cancel(orderId: number): void {
    this.cancelled.push(orderId);
  }

  requestPosition(): void {
    this.positionAsked = true;
  }

  /** Delivers what the last event asked for. */
  flush(): void {
    const l = this.listener!;
    if (this.positionAsked) {
      this.positionAsked = false;
      l.onPosition(this.symbol, 0);
    }
    if (this.accepted.length) {
      const ids = this.accepted;
      this.accepted = [];
      for (const id of ids) l.onOrderAccepted(id);
    }
    if (this.cancelled.length) {
      const ids = this.cancelled;
      this.cancelled = [];
      for (const id of ids) l.onOrderEnded(id, 'cancelled');
    }
  }
}

const SWAP_A = { ...DEFAULT_PARAMS, base_half_spread_bps: 5 };
const SWAP_B = { ...DEFAULT_PARAMS, base_half_spread_bps: 7, skew_adjustment_factor: 0.7 };

/**
 * Replays `events` books into a fresh engine; with `swapEvery` > 0, swaps new params into the holder
 * every `swapEvery` events. The storm is paced in events, not by reading the wall clock: the
 * caller derives `swapEvery` from the measured rate so that it is 1,000 swaps per second of this
 * machine, and a descheduled loop (a busy machine) cannot lose or bunch up swaps.
 */
function runEngine(recorded: RecordedBooks, events: number, swapEvery: number): { eventsPerS: number; swaps: number } {
  const holder = new ParamsHolder();
  holder.update(SWAP_A, { version: 1 });
  const venue = new StubVenue(recorded.market);
  let now = 0;
  const engine = new QuotingEngine({ venue, params: holder, clock: () => now });
  venue.setListener(engine);
  engine.start();
  venue.flush();
  const books: BookView[] = recorded.books;
  const every = swapEvery > 0 ? swapEvery : Number.POSITIVE_INFINITY;
  let version = 1;
  let untilSwap = every;
  const start = threadCpuMs();
  for (let i = 0; i < events; i++) {
    now += recorded.stepMs;
    engine.onBook(books[i % books.length]!);
    venue.flush();
    if (--untilSwap <= 0) {
      untilSwap = every;
      version++;
      holder.update(version % 2 ? SWAP_A : SWAP_B, { version });
    }
    if ((i & 0xffff) === 0) engine.onTimer();
  }
  const elapsed = threadCpuMs() - start;
  consume(engine.counters.bookEvents + engine.counters.placed);
  return { eventsPerS: (events / elapsed) * 1000, swaps: version - 1 };
}

export const engineThroughputBench: Bench = {
  name: 'engine',
  description: 'quoting engine book events/s alone and under a 1,000 swaps/s storm',
  async run(ctx) {
    const recorded = recordBooks(ctx.quick ? 2_000 : 8_192);
    const events = ctx.quick ? 200_000 : 1_000_000;
    const rounds = ctx.quick ? 3 : 15;
    // Warm-up, and the rate that sets the storm's pace: one swap per (events/s ÷ 1,000) events.
    runEngine(recorded, events, 0);
    const warm = runEngine(recorded, events, 0).eventsPerS;
    const swapEvery = Math.max(1, Math.round(warm / 1_000));
    runEngine(recorded, events / 2, swapEvery);
    const alone: number[] = [];
    const storm: number[] = [];
    const overheads: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Pairs in alternating order; the cost is the median of the pairs' ratios, so a drift of the
      // machine's speed (other processes) hits both variants of a pair alike.
      const first = r % 2 === 0;
      let a = first ? runEngine(recorded, events, 0).eventsPerS : 0;
      const s = runEngine(recorded, events, swapEvery).eventsPerS;
      if (!first) a = runEngine(recorded, events, 0).eventsPerS;
      alone.push(a);
      storm.push(s);
      overheads.push((a / s - 1) * 100);
    }
    const a = median(alone);
    const s = median(storm);
    const overhead = median(overheads);
    const rounded = (xs: number[]) => xs.map((x) => Math.round(x / 1000)).join(', ');
    const stormRate = (s / swapEvery).toFixed(0);
    ctx.log(`engine: alone ${rounded(alone)} k/s; storm ${rounded(storm)} k/s, one swap per ${swapEvery} events (~${stormRate} swaps/s)`);
    return [
      makeRow('engine', {
        figure: 'book events/s, one core',
        value: a,
        unit: 'events/s',
        target: { op: '>=', value: 1_000_000 },
        note: `per CPU-second of the loop's thread; ${events.toLocaleString('en-US')} recorded sim books (volatile) replayed, stub venue with zero latency; median of ${rounds}`,
      }),
      makeRow('engine', {
        figure: 'book events/s under a swap storm',
        value: s,
        unit: 'events/s',
        baseline: a,
        baselineLabel: 'no swaps',
        note: `one swap per ${swapEvery.toLocaleString('en-US')} events = ${stormRate} swaps/s at this rate; each a full holder.update() (validation + swap) on the loop's thread`,
      }),
      makeRow('engine', {
        figure: 'swap storm (1,000/s) cost',
        value: overhead,
        unit: '%',
        target: { op: '<', value: 2 },
        note: `median of ${rounds} alternating pairs; alone ${rounded(alone)} k/s; storm ${rounded(storm)} k/s`,
      }),
    ];
  },
};
