/**
 * The baseline every backtest can be compared with (`--baseline`): a fixed-spread quoter. It quotes
 * mid ± B (B = `base_half_spread_bps`) post-only, `order_size` per side, never letting |Q| pass
 * `max_position`, and requotes when its price is off by more than `requote_threshold_bps` — the
 * same market, order rules and size as Market Maker V2 with none of its state: no skew, no
 * adverse-selection widening, no inventory widening, no liquidation. If V2 cannot beat this on the
 * same seed, its parameters are not earning their keep.
 */
import type { Params } from '../../shared/params-schema.ts';
import { FillLedger } from '../strategy/fill-ledger.ts';
import { OrderTracker } from '../strategy/order-tracker.ts';
import { ceilUnits, floorUnits, fromUnits, lotFloor } from '../strategy/tick-math.ts';
import type { BookView } from '../venue/book-view.ts';
import type { EndReason, Fill, Side, Venue, VenueListener } from '../venue/venue.ts';

export class FixedSpreadQuoter implements VenueListener {
  readonly ledger: FillLedger;
  placed = 0;
  #venue: Venue;
  #params: Readonly<Params>;
  #orders = new OrderTracker();
  #mid = Number.NaN;
  #connected = true;
  #positionKnown = false;
  /** After a post-only rejection, wait for a fresh book (as V2 does: no chasing a moving book). */
  #hold = false;

  constructor(venue: Venue, params: Readonly<Params>) {
    this.#venue = venue;
    this.#params = params;
    this.ledger = new FillLedger(venue.symbol);
  }

  start(): void {
    this.#venue.requestPosition();
  }

  /** Periodic duty: ask the venue's position (adopted when nothing is live). */
  onTimer(): void {
    this.#venue.requestPosition();
  }

  onBook(book: BookView): void {
    if (book.bidCount === 0 || book.askCount === 0) return;
    const b = book.bidPx[0]!;
    const a = book.askPx[0]!;
    if (!(a > b)) return;
    this.#mid = (a + b) / 2;
    this.#hold = false;
    this.#decide();
  }

  onFill(fill: Fill): void {
    if (!this.ledger.apply(fill)) return;
    this.#orders.filled(fill.orderId, fill.size);
    this.#decide();
  }

  onOrderAccepted(orderId: number): void {
    this.#orders.accepted(orderId);
  }

  onOrderRejected(orderId: number): void {
    if (this.#orders.rejected(orderId) !== undefined) this.#hold = true;
  }

  onOrderEnded(orderId: number, reason: EndReason): void {
    if (this.#orders.ended(orderId, reason) !== undefined) this.#decide();
  }

  onCancelRejected(orderId: number): void {
    this.#orders.cancelRefused(orderId);
  }

  onPosition(symbol: string, position: number): void {
    if (symbol !== this.ledger.symbol) return;
    if (!this.#positionKnown || this.#orders.liveCount() === 0) {
      this.#positionKnown = true;
      this.ledger.position = position;
      this.#orders.settleOwed();
    }
  }

  onConnectionChange(connected: boolean): void {
    this.#connected = connected;
    if (!connected) this.#mid = Number.NaN;
  }

  #decide(): void {
    if (!this.#connected || !this.#positionKnown || !(this.#mid > 0) || this.#hold) return;
    const p = this.#params;
    if (p.trading_mode === 'halted') return;
    const { tick, lot } = this.#venue.market;
    const half = p.base_half_spread_bps * 1e-4;
    const q = this.ledger.position;
    this.#side(
      'buy',
      fromUnits(floorUnits(this.#mid * (1 - half), tick), tick),
      lotFloor(Math.min(p.order_size, p.max_position - q), lot),
    );
    this.#side(
      'sell',
      fromUnits(ceilUnits(this.#mid * (1 + half), tick), tick),
      lotFloor(Math.min(p.order_size, p.max_position + q), lot),
    );
  }

  #side(side: Side, price: number, size: number): void {
    const order = side === 'buy' ? this.#orders.bid : this.#orders.ask;
    if (order !== null) {
      if (order.cancelRequested || order.status === 'pending') return;
      const movedBps = (Math.abs(price - order.price) / order.price) * 1e4;
      if (size <= 0 || size !== order.size || movedBps > this.#params.requote_threshold_bps) {
        this.#orders.cancelRequested(order.id);
        this.#venue.cancel(order.id);
      }
      return;
    }
    // What a filled-but-unreported order may still add counts against the limit too.
    const room = lotFloor(size - this.#orders.exposure(side, null, 0), this.#venue.market.lot);
    if (room <= 0) return;
    const placed = this.#orders.open(side, price, room, 'post_only', 0);
    this.placed++;
    this.#venue.place({ id: placed.id, side, price, size: room, type: 'post_only', reduceOnly: false });
  }
}
