/**
 * A venue that only records what the engine asks of it, and a symmetric book around a mid, for tests
 * that drive the quoting engine by hand (venue answers are the test's to give).
 */
import { createBookView, type BookView } from '../../../engine/venue/book-view.ts';
import type { OrderRequest, Venue, VenueListener } from '../../../engine/venue/venue.ts';

export class RecordingVenue implements Venue {
  readonly symbol = 'SIM';
  readonly market = { tick: 0.01, lot: 0.01 };
  placed: OrderRequest[] = [];
  cancels: number[] = [];
  positionRequests = 0;
  setListener(_: VenueListener): void {}
  place(order: OrderRequest): void {
    this.placed.push(order);
  }
  cancel(id: number): void {
    this.cancels.push(id);
  }
  requestPosition(): void {
    this.positionRequests++;
  }
}

/** Ten levels a side, one cent apart from `mid`, size 1 each. */
export function bookAround(mid: number): BookView {
  const view = createBookView(10);
  view.bidCount = 10;
  view.askCount = 10;
  for (let k = 0; k < 10; k++) {
    view.bidPx[k] = Math.round((mid - 0.01 * (k + 1)) * 100) / 100;
    view.askPx[k] = Math.round((mid + 0.01 * (k + 1)) * 100) / 100;
    view.bidSz[k] = 1;
    view.askSz[k] = 1;
  }
  return view;
}
