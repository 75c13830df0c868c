/**
 * The paper venue's Hyperliquid feed written down as a recording (engine/sim/recording.ts, the
 * format `backtest --data` replays): the header first, then one line per book and per trade of the
 * coin, in the order the messages arrived, each stamped with the LOCAL receive time — the time a
 * runner would have seen it, which is what the replay's latency model works from (the exchange's
 * own `time` says when it was sent, not when we could have acted on it).
 *
 * Messages are read with the paper venue's own parser (`parseHyperliquidMessage`), so a recording
 * holds exactly what paper trading would have traded on. Lines go to a `RecordingSink` as they are
 * made: nothing is kept here but counters.
 */
import { systemClock, type Clock } from '../../../shared/clock.ts';
import { RECORDING_FORMAT } from '../../../engine/sim/recording.ts';
import { type HlLevel, parseHyperliquidMessage } from './hyperliquid-messages.ts';

/** Where finished lines go (a file in `record`, an array in tests); each line ends with "\n". */
export interface RecordingSink {
  write(line: string): void;
}

export interface FeedRecorderOptions {
  coin: string;
  /** The header's price and size steps (the replay matches on them). */
  tick: number;
  lot: number;
  sink: RecordingSink;
  clock?: Pick<Clock, 'now'>;
}

/** What one feed message became. */
export type RecorderOutcome =
  | { kind: 'recorded'; lines: number }
  /** The exchange refused something we sent (a wrong coin is answered this way, then silence). */
  | { kind: 'refused'; message: string }
  | { kind: 'invalid'; reason: string }
  /** Another channel, another coin, a pong, or a book with no usable level. */
  | { kind: 'ignored' };

export class FeedRecorder {
  books = 0;
  trades = 0;
  #coin: string;
  #sink: RecordingSink;
  #clock: Pick<Clock, 'now'>;
  #lastT = Number.NEGATIVE_INFINITY;

  /** Writes the header at once: from then on the sink holds a valid (possibly empty) recording. */
  constructor({ coin, tick, lot, sink, clock = systemClock }: FeedRecorderOptions) {
    this.#coin = coin;
    this.#sink = sink;
    this.#clock = clock;
    sink.write(`${JSON.stringify({ format: RECORDING_FORMAT, coin, tick, lot })}\n`);
  }

  /** Books and trades written so far. */
  get events(): number {
    return this.books + this.trades;
  }

  /** Records one raw feed message (the text the socket delivered). */
  onMessage(text: string): RecorderOutcome {
    const msg = parseHyperliquidMessage(text);
    switch (msg.kind) {
      case 'book': {
        if (msg.coin !== this.#coin) return { kind: 'ignored' };
        // The recording's parser takes only positive prices and sizes; Hyperliquid's decimal
        // strings allow "0", and one such level must not make the whole file unreadable.
        const bids = usable(msg.bids);
        const asks = usable(msg.asks);
        if (bids.length === 0 && asks.length === 0) return { kind: 'ignored' };
        this.#write({ t: this.#receivedAt(), k: 'book', bids, asks });
        this.books++;
        return { kind: 'recorded', lines: 1 };
      }
      case 'trades': {
        // One message may carry several trades; they share the receive time, in the exchange's order.
        const t = this.#receivedAt();
        let lines = 0;
        for (const trade of msg.trades) {
          if (trade.coin !== this.#coin || !(trade.px > 0) || !(trade.sz > 0)) continue;
          this.#write({ t, k: 'trade', side: trade.taker, px: trade.px, sz: trade.sz });
          lines++;
        }
        this.trades += lines;
        return lines === 0 ? { kind: 'ignored' } : { kind: 'recorded', lines };
      }
      case 'error':
        return { kind: 'refused', message: msg.message };
      case 'invalid':
        return { kind: 'invalid', reason: msg.reason };
      case 'ignored':
        return { kind: 'ignored' };
    }
  }

  /**
   * The wall clock can step back (NTP); the recording's times may not (the parser refuses a line
   * before the one above it), so a step back is recorded as no time passing.
   */
  #receivedAt(): number {
    this.#lastT = Math.max(this.#lastT, this.#clock.now());
    return this.#lastT;
  }

  #write(event: object): void {
    this.#sink.write(`${JSON.stringify(event)}\n`);
  }
}

function usable(levels: readonly HlLevel[]): [number, number][] {
  return levels.filter((l) => l.px > 0 && l.sz > 0).map((l) => [l.px, l.sz]);
}
