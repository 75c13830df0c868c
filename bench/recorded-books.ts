/**
 * Real books for the engine benchmark: the seeded simulated exchange runs once with a recording
 * listener, and its L2 books are copied into a fixed ring that the benchmark then replays into the
 * engine as fast as it can. Replaying recorded books keeps the simulator's own cost out of the
 * engine's figure, while the engine sees exactly the books it would see in a backtest.
 */
import { resolveScenario } from '../engine/sim/scenarios.ts';
import { SimExchange } from '../engine/sim/sim-exchange.ts';
import type { MarketSpec } from '../engine/strategy/compute-quote.ts';
import { copyBookView, createBookView, type BookView } from '../engine/venue/book-view.ts';
import type { VenueListener } from '../engine/venue/venue.ts';

export interface RecordedBooks {
  books: BookView[];
  market: MarketSpec;
  /** Simulated ms between two recorded books. */
  stepMs: number;
}

export function recordBooks(count: number, scenario = 'volatile', seed = 7): RecordedBooks {
  const knobs = resolveScenario(scenario);
  const sim = new SimExchange(knobs, seed);
  const books: BookView[] = [];
  const ignore = () => {};
  const recorder: VenueListener = {
    onBook(book) {
      if (books.length >= count) return;
      const copy = createBookView(Math.max(book.bidPx.length, book.askPx.length));
      copyBookView(book, copy);
      books.push(copy);
    },
    onOrderAccepted: ignore,
    onOrderRejected: ignore,
    onOrderEnded: ignore,
    onCancelRejected: ignore,
    onFill: ignore,
    onPosition: ignore,
    onConnectionChange: ignore,
  };
  sim.setListener(recorder);
  for (let t = knobs.stepMs; books.length < count; t += knobs.stepMs) sim.advanceTo(t);
  return { books, market: sim.market, stepMs: knobs.stepMs };
}
