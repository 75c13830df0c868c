/**
 * Paper trading: Hyperliquid's real public book and trades, our orders in the same local matcher
 * the simulator uses (engine/matcher/local-matcher.ts: entry and answer latency, post-only and
 * reduce-only rules, queue position, maker/taker fees) over the book we observe
 * (engine/matcher/observed-book.ts: our takers walk it without moving it). Nothing is ever sent to
 * the exchange but the two subscriptions (paper-feed.ts holds the socket).
 *
 * A lost connection behaves like a venue with cancel-on-disconnect: answers already on their way
 * arrive, every resting order ends cancelled, then the engine hears `onConnectionChange(false)`;
 * the feed reconnects and resubscribes. Due messages are processed on every feed message and every
 * `pumpMs` of the injected clock.
 */
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { makerTakerFees } from '../../../engine/matcher/fee-model.ts';
import { HYPERLIQUID_BASE_FEES_BPS } from '../../../engine/venue/hyperliquid/hyperliquid-fees.ts';
import { constantLatency } from '../../../engine/matcher/latency-model.ts';
import { LocalMatcher, type RestingOrder } from '../../../engine/matcher/local-matcher.ts';
import { ObservedBook } from '../../../engine/matcher/observed-book.ts';
import type { SimAccounting } from '../../../engine/matcher/sim-accounting.ts';
import type { MarketSpec } from '../../../engine/strategy/compute-quote.ts';
import type { EngineLogger } from '../../../engine/strategy/quoting-engine.ts';
import type { OrderRequest, Venue, VenueListener } from '../../../engine/venue/venue.ts';
import { hyperliquidLot, hyperliquidTick } from '../../../engine/venue/hyperliquid/price-rule.ts';
import { parseHyperliquidMessage, subscribeMessages, type HlLevel } from './hyperliquid-messages.ts';
import { repeatEvery } from '../../repeat-every.ts';
import { type FeedConnectionOptions, PaperFeed, feedConnection } from './paper-feed.ts';

export const DEFAULT_PAPER_URL = 'wss://api.hyperliquid.xyz/ws';

export interface PaperVenueOptions extends FeedConnectionOptions {
  url?: string;
  coin?: string;
  /** A fixed price step; default: Hyperliquid's price rule at the current mid. */
  tick?: number | undefined;
  /** Size step; default 10^-szDecimals. */
  lot?: number | undefined;
  /** The coin's `szDecimals` in Hyperliquid's `meta` (HYPE: 2). */
  szDecimals?: number | undefined;
  /** One-way latency of our messages and of the answers, ms. */
  orderLatencyMs?: number;
  makerFeeBps?: number;
  takerFeeBps?: number;
  /** How often due order requests are processed when no message arrives, ms. */
  pumpMs?: number;
}

const SILENT: EngineLogger = { info() {}, warn() {} };
const BOOK_CAPACITY = 64;
const RETAINED_FILLS = 10_000;

export class PaperVenue implements Venue {
  readonly symbol: string;
  readonly market: MarketSpec;
  readonly accounting: SimAccounting;
  #clock: Clock;
  #logger: EngineLogger;
  #pumpMs: number;
  #feed: PaperFeed;
  #book = new ObservedBook(BOOK_CAPACITY);
  #matcher: LocalMatcher;
  #listener: VenueListener | null = null;
  #connected = false;
  /** Null when the tick is fixed by the caller. */
  #szDecimals: number | null;
  /** The last `error` message of the feed (the server refusing a subscription), for /status and logs. */
  lastFeedError: string | null = null;
  feedErrors = 0;
  /** Aborted by `stop`: ends the pump loop. */
  #running: AbortController | null = null;

  constructor(options: PaperVenueOptions = {}) {
    this.symbol = options.coin ?? 'HYPE';
    const szDecimals = options.szDecimals ?? 2;
    this.#szDecimals = options.tick === undefined ? szDecimals : null;
    // Mutable on purpose: the engine and the matcher read the tick through this object, and it
    // follows the price (HYPE at 30: 0.001; at 9.5: 0.0001).
    this.market = { tick: options.tick ?? hyperliquidTick(30, szDecimals), lot: options.lot ?? hyperliquidLot(szDecimals) };
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? SILENT;
    this.#pumpMs = options.pumpMs ?? 25;
    this.#matcher = new LocalMatcher({
      symbol: this.symbol,
      spec: this.market,
      market: this.#book,
      clock: this.#clock,
      latency: constantLatency(options.orderLatencyMs ?? 50),
      fees: makerTakerFees(
        options.makerFeeBps ?? HYPERLIQUID_BASE_FEES_BPS.maker,
        options.takerFeeBps ?? HYPERLIQUID_BASE_FEES_BPS.taker,
      ),
      fillIdPrefix: 'paper',
      // A paper session runs for days: keep the latest fills only (the figures are running sums).
      startTime: this.#clock.now(),
      maxRetainedFills: RETAINED_FILLS,
    });
    this.accounting = this.#matcher.accounting;
    const url = options.url ?? DEFAULT_PAPER_URL;
    this.#feed = new PaperFeed({
      url,
      subscriptions: subscribeMessages(this.symbol),
      onOpen: () => this.#onOpen(url),
      onMessage: (text) => this.#onMessage(text),
      onClose: () => this.#onLost(),
      ...feedConnection(options),
    });
  }

  /** Connections opened so far (1 + reconnects). */
  get connections(): number {
    return this.#feed.connections;
  }

  setListener(listener: VenueListener): void {
    this.#listener = listener;
    this.#matcher.setListener(listener);
  }

  start(): void {
    if (this.#running !== null) return;
    this.#running = new AbortController();
    void repeatEvery({ clock: this.#clock, ms: this.#pumpMs, signal: this.#running.signal, duty: () => this.#pump() });
    this.#feed.start();
  }

  /** Closes the feed for good; resting orders end cancelled like on any disconnect. */
  stop(): void {
    this.#running?.abort();
    this.#running = null;
    this.#pump();
    this.#feed.stop();
    this.#onLost();
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

  restingOrders(): readonly Readonly<RestingOrder>[] {
    return this.#matcher.restingOrders();
  }

  // ---- feed events --------------------------------------------------------------------------

  #onOpen(url: string): void {
    this.#connected = true;
    this.#logger.info({ url, coin: this.symbol }, 'paper feed connected');
    this.#listener?.onConnectionChange(true);
  }

  /** Cancel-on-disconnect: every resting order ends, then the engine hears about the loss. */
  #onLost(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#book.clear();
    this.#matcher.cancelAllNow();
    this.#listener?.onConnectionChange(false);
  }

  #onMessage(text: string): void {
    const msg = parseHyperliquidMessage(text);
    switch (msg.kind) {
      case 'book':
        if (msg.coin === this.symbol) this.#onBook(msg.time, msg.bids, msg.asks);
        break;
      case 'trades':
        for (const t of msg.trades) if (t.coin === this.symbol) this.#matcher.onTrade(t.taker, t.px, t.sz, t.time);
        break;
      case 'error':
        this.feedErrors++;
        this.lastFeedError = msg.message;
        this.#logger.warn({ coin: this.symbol, error: msg.message }, 'paper feed: the exchange refused a request');
        break;
      case 'invalid':
        this.#logger.warn({ reason: msg.reason }, 'paper feed: message ignored');
        break;
      case 'ignored':
        break;
    }
    this.#pump();
  }

  #onBook(time: number, bids: HlLevel[], asks: HlLevel[]): void {
    if (!this.#book.update(time, bids, asks)) return;
    if (this.#szDecimals !== null) {
      const mid = this.#book.mid();
      if (mid > 0) this.market.tick = hyperliquidTick(mid, this.#szDecimals);
    }
    this.accounting.advance(this.#clock.now(), this.#book.mid());
    this.#matcher.onBook();
    this.#listener?.onBook(this.#book.view);
  }

  // ---- due messages -------------------------------------------------------------------------

  #pump(): void {
    this.#matcher.processDue(this.#clock.now());
  }
}
