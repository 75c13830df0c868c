/**
 * A recorded feed replayed as a venue (`backtest --data FILE`): the recording's books and trades in
 * their recorded order and times, our orders in the same local matcher as the simulator and paper
 * (engine/matcher/local-matcher.ts) over the book we observe (observed-book.ts: our orders join the
 * recorded queues, our takers walk the recorded levels without moving them). Deterministic: the
 * same recording, params and latency give the same fills every time. Driven like the simulator,
 * with `advanceTo(t)`; time starts at the first event.
 */
import { makerTakerFees } from '../matcher/fee-model.ts';
import { HYPERLIQUID_BASE_FEES_BPS } from '../venue/hyperliquid/hyperliquid-fees.ts';
import { constantLatency } from '../matcher/latency-model.ts';
import { LocalMatcher } from '../matcher/local-matcher.ts';
import { ObservedBook } from '../matcher/observed-book.ts';
import type { SimAccounting } from '../matcher/sim-accounting.ts';
import type { MarketSpec } from '../strategy/compute-quote.ts';
import type { OrderRequest, Venue, VenueListener } from '../venue/venue.ts';
import type { Recording } from './recording.ts';

export interface ReplayOptions {
  orderLatencyMs?: number;
  makerFeeBps?: number;
  takerFeeBps?: number;
}

export class ReplayVenue implements Venue {
  readonly symbol: string;
  readonly market: MarketSpec;
  readonly accounting: SimAccounting;
  readonly start: number;
  readonly end: number;
  now: number;
  events = 0;
  readonly droppedFills = 0;
  readonly disconnects = 0;
  #recording: Recording;
  #next = 0;
  #book = new ObservedBook(64);
  #matcher: LocalMatcher;
  #listener: VenueListener | null = null;

  constructor(recording: Recording, options: ReplayOptions = {}) {
    this.#recording = recording;
    this.symbol = recording.coin;
    this.market = { tick: recording.tick, lot: recording.lot };
    this.start = recording.events[0]?.t ?? 0;
    this.end = recording.events.at(-1)?.t ?? this.start;
    this.now = this.start;
    this.#matcher = new LocalMatcher({
      symbol: this.symbol,
      spec: this.market,
      market: this.#book,
      clock: { now: () => this.now },
      latency: constantLatency(options.orderLatencyMs ?? 30),
      fees: makerTakerFees(
        options.makerFeeBps ?? HYPERLIQUID_BASE_FEES_BPS.maker,
        options.takerFeeBps ?? HYPERLIQUID_BASE_FEES_BPS.taker,
      ),
      fillIdPrefix: 'replay',
      startTime: this.start,
    });
    this.accounting = this.#matcher.accounting;
  }

  setListener(listener: VenueListener): void {
    this.#listener = listener;
    this.#matcher.setListener(listener);
  }

  place(order: OrderRequest): void {
    this.#matcher.place(order);
  }

  cancel(orderId: number): void {
    this.#matcher.cancel(orderId);
  }

  requestPosition(): void {
    this.#matcher.requestPosition();
  }

  mid(): number {
    return this.#book.mid();
  }

  /** Processes every recorded event and message due up to `time`, in time order (answers first on a tie). */
  advanceTo(time: number): void {
    const events = this.#recording.events;
    for (;;) {
      const recordAt = this.#next < events.length ? events[this.#next]!.t : Number.POSITIVE_INFINITY;
      const messageAt = Math.min(this.#matcher.nextReplyAt(), this.#matcher.nextEntryAt());
      const t = Math.min(recordAt, messageAt);
      if (t > time) break;
      const mid = this.#book.mid();
      if (Number.isFinite(mid)) this.accounting.advance(t, mid);
      this.now = t;
      this.events++;
      if (messageAt <= recordAt) {
        this.#matcher.processDue(t);
        continue;
      }
      const e = events[this.#next++]!;
      if (e.k === 'trade') this.#matcher.onTrade(e.side, e.px, e.sz);
      else if (this.#book.update(e.t, e.bids, e.asks)) {
        this.#matcher.onBook();
        this.#listener?.onBook(this.#book.view);
      }
    }
    if (time > this.now) this.now = time;
  }
}
