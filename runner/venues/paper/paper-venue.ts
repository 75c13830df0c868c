/**
 * Paper trading: Hyperliquid's real public book and trades, our orders simulated locally with the
 * simulator's rules (post-only rejection, queue position, entry latency, maker/taker fees; see
 * maker-queue.ts). Nothing is ever sent to the exchange but the two subscriptions.
 *
 * A lost connection behaves like a venue with cancel-on-disconnect: every resting order ends
 * cancelled, then the engine hears `onConnectionChange(false)`; we reconnect with full-jitter
 * backoff (reset once a connection opens) and resubscribe.
 */
import WebSocket from 'ws';
import { computeBackoff, DEFAULT_BACKOFF, type BackoffOptions } from '../../../client/backoff.ts';
import { SimAccounting } from '../../../engine/sim/sim-accounting.ts';
import { TimedQueue } from '../../../engine/sim/timed-queue.ts';
import type { MarketSpec } from '../../../engine/strategy/compute-quote.ts';
import type { EngineLogger } from '../../../engine/strategy/quoting-engine.ts';
import { createBookView, type BookView } from '../../../engine/venue/book-view.ts';
import { fillFromBook, fillFromTrade, type QueuedOrder } from '../../../engine/venue/maker-queue.ts';
import type { OrderRequest, Side, Venue, VenueListener } from '../../../engine/venue/venue.ts';
import { parseHyperliquidMessage, subscribeMessages, type HlLevel } from './hyperliquid-messages.ts';

export const DEFAULT_PAPER_URL = 'wss://api.hyperliquid.xyz/ws';

export interface PaperVenueOptions {
  url?: string;
  coin?: string;
  /** HYPE on Hyperliquid: prices to 0.001 at ~30 (5 significant figures), sizes to 0.01. */
  tick?: number;
  lot?: number;
  orderLatencyMs?: number;
  makerFeeBps?: number;
  takerFeeBps?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  clock?: () => number;
  WebSocketCtor?: typeof WebSocket;
  logger?: EngineLogger;
  /** How often due order requests are processed when no message arrives, ms. */
  pumpMs?: number;
}

type Inbound = { kind: 'place'; order: OrderRequest } | { kind: 'cancel'; id: number } | { kind: 'position' };
interface PaperOrder extends QueuedOrder {
  id: number;
  size: number;
}

const SILENT: EngineLogger = { info() {}, warn() {} };
const BOOK_CAPACITY = 64;
/** Hyperliquid drops a connection that sent nothing for a minute; a ping every 30 s keeps it. */
const PING_EVERY_MS = 30_000;
const PING = JSON.stringify({ method: 'ping' });
const RETAINED_FILLS = 10_000;

export class PaperVenue implements Venue {
  readonly symbol: string;
  readonly market: MarketSpec;
  readonly accounting: SimAccounting;
  /** Connections opened so far (1 + reconnects). */
  connections = 0;
  private readonly url: string;
  private readonly latency: number;
  private readonly makerFeeBps: number;
  private readonly takerFeeBps: number;
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly clock: () => number;
  private readonly WebSocketCtor: typeof WebSocket;
  private readonly logger: EngineLogger;
  private readonly pumpMs: number;
  private listener: VenueListener | null = null;
  private ws: WebSocket | null = null;
  private connected = false;
  private stopped = true;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pumpTimer: NodeJS.Timeout | null = null;
  private readonly book: BookView = createBookView(BOOK_CAPACITY);
  private hasBook = false;
  private readonly resting: PaperOrder[] = [];
  private readonly inbound = new TimedQueue<Inbound>();
  private fillSeq = 0;
  private lastPingAt = 0;

  constructor(options: PaperVenueOptions = {}) {
    this.url = options.url ?? DEFAULT_PAPER_URL;
    this.symbol = options.coin ?? 'HYPE';
    this.market = { tick: options.tick ?? 0.001, lot: options.lot ?? 0.01 };
    this.latency = options.orderLatencyMs ?? 50;
    this.makerFeeBps = options.makerFeeBps ?? 1.5;
    this.takerFeeBps = options.takerFeeBps ?? 4.5;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? Date.now;
    this.WebSocketCtor = options.WebSocketCtor ?? WebSocket;
    this.logger = options.logger ?? SILENT;
    this.pumpMs = options.pumpMs ?? 25;
    // A paper session runs for days: keep the latest fills only (the figures are running sums).
    this.accounting = new SimAccounting(this.clock(), RETAINED_FILLS);
  }

  setListener(listener: VenueListener): void {
    this.listener = listener;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.pumpTimer = setInterval(() => this.pump(), this.pumpMs);
    this.pumpTimer.unref();
    this.connect();
  }

  /** Closes the feed for good; resting orders end cancelled like on any disconnect. */
  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    if (this.pumpTimer !== null) clearInterval(this.pumpTimer);
    this.pump();
    this.ws?.close();
    this.onLost();
  }

  place(order: OrderRequest): void {
    this.inbound.push(this.clock() + this.latency, { kind: 'place', order });
  }

  cancel(orderId: number): void {
    this.inbound.push(this.clock() + this.latency, { kind: 'cancel', id: orderId });
  }

  requestPosition(): void {
    this.inbound.push(this.clock() + this.latency, { kind: 'position' });
  }

  mid(): number {
    return this.hasBook ? (this.book.bidPx[0]! + this.book.askPx[0]!) / 2 : Number.NaN;
  }

  restingOrders(): readonly Readonly<PaperOrder>[] {
    return this.resting;
  }

  // ---- connection ---------------------------------------------------------------------------

  private connect(): void {
    const ws = new this.WebSocketCtor(this.url);
    this.ws = ws;
    ws.on('open', () => {
      this.attempt = 0;
      this.connections++;
      this.lastPingAt = this.clock();
      for (const msg of subscribeMessages(this.symbol)) ws.send(msg);
      this.connected = true;
      this.logger.info({ url: this.url, coin: this.symbol }, 'paper feed connected');
      this.listener?.onConnectionChange(true);
    });
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('error', (error) => this.logger.warn({ err: error.message }, 'paper feed error'));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onLost();
      if (!this.stopped) {
        const delay = computeBackoff(this.attempt++, this.backoff, this.random);
        this.logger.warn({ delay_ms: delay, attempt: this.attempt }, 'paper feed lost; reconnecting');
        this.reconnectTimer = setTimeout(() => this.connect(), delay);
        this.reconnectTimer.unref();
      }
    });
  }

  /** Cancel-on-disconnect: every resting order ends, then the engine hears about the loss. */
  private onLost(): void {
    if (!this.connected) return;
    this.connected = false;
    this.hasBook = false;
    for (const o of this.resting.splice(0)) this.listener?.onOrderEnded(o.id, 'cancelled');
    this.listener?.onConnectionChange(false);
  }

  private onMessage(text: string): void {
    const msg = parseHyperliquidMessage(text);
    switch (msg.kind) {
      case 'book':
        if (msg.coin === this.symbol) this.onBook(msg.time, msg.bids, msg.asks);
        break;
      case 'trades':
        for (const t of msg.trades) if (t.coin === this.symbol) this.onTrade(t.taker, t.px, t.sz);
        break;
      case 'invalid':
        this.logger.warn({ reason: msg.reason }, 'paper feed: message ignored');
        break;
      case 'ignored':
        break;
    }
    this.pump();
  }

  // ---- the fill model -----------------------------------------------------------------------

  private onBook(time: number, bids: HlLevel[], asks: HlLevel[]): void {
    const view = this.book;
    view.time = time;
    view.bidCount = Math.min(bids.length, BOOK_CAPACITY);
    view.askCount = Math.min(asks.length, BOOK_CAPACITY);
    for (let i = 0; i < view.bidCount; i++) (view.bidPx[i] = bids[i]!.px), (view.bidSz[i] = bids[i]!.sz);
    for (let i = 0; i < view.askCount; i++) (view.askPx[i] = asks[i]!.px), (view.askSz[i] = asks[i]!.sz);
    this.hasBook = view.bidCount > 0 && view.askCount > 0;
    if (!this.hasBook) return;
    this.accounting.advance(this.clock(), this.mid());
    for (const o of [...this.resting])
      this.settle(o, fillFromBook(o, view.bidPx[0]!, view.askPx[0]!, this.displayedAt(o.side, o.price)));
    this.listener?.onBook(view);
  }

  private onTrade(taker: Side, px: number, sz: number): void {
    let left = sz;
    for (const o of [...this.resting]) {
      if (left <= 0) break;
      const filled = fillFromTrade(o, taker, px, left);
      left -= filled;
      this.settle(o, filled);
    }
  }

  private displayedAt(side: Side, price: number): number {
    const px = side === 'buy' ? this.book.bidPx : this.book.askPx;
    const sz = side === 'buy' ? this.book.bidSz : this.book.askSz;
    const n = side === 'buy' ? this.book.bidCount : this.book.askCount;
    for (let i = 0; i < n; i++) {
      if (px[i] === price) return sz[i]!;
      if (side === 'buy' ? px[i]! < price : px[i]! > price) return 0;
    }
    // Deeper than the levels we see: assume the last displayed size is ahead of us.
    return n > 0 ? sz[n - 1]! : 0;
  }

  private pump(): void {
    const now = this.clock();
    if (this.connected && now - this.lastPingAt >= PING_EVERY_MS) {
      this.lastPingAt = now;
      this.ws?.send(PING);
    }
    while (this.inbound.peekTime() <= now) {
      const msg = this.inbound.shift();
      if (msg.kind === 'position') this.listener?.onPosition(this.symbol, this.accounting.position);
      else if (msg.kind === 'cancel') {
        const i = this.resting.findIndex((o) => o.id === msg.id);
        if (i < 0) this.listener?.onCancelRejected(msg.id, 'unknown order (already filled or cancelled)');
        else {
          this.resting.splice(i, 1);
          this.listener?.onOrderEnded(msg.id, 'cancelled');
        }
      } else this.accept(msg.order);
    }
  }

  private accept(req: OrderRequest): void {
    const l = this.listener;
    if (!this.connected || !this.hasBook) return l?.onOrderRejected(req.id, 'disconnected');
    const bestBid = this.book.bidPx[0]!;
    const bestAsk = this.book.askPx[0]!;
    const buying = req.side === 'buy';
    if (req.type === 'ioc') {
      const pos = this.accounting.position;
      if (req.reduceOnly && (buying ? pos >= 0 : pos <= 0)) return l?.onOrderRejected(req.id, 'reduce_only_would_increase');
      l?.onOrderAccepted(req.id);
      const size = req.reduceOnly ? Math.min(req.size, Math.abs(pos)) : req.size;
      let left = size;
      const px = buying ? this.book.askPx : this.book.bidPx;
      const sz = buying ? this.book.askSz : this.book.bidSz;
      const n = buying ? this.book.askCount : this.book.bidCount;
      for (let i = 0; i < n && left > 1e-12; i++) {
        if (buying ? px[i]! > req.price : px[i]! < req.price) break;
        const qty = Math.min(left, sz[i]!);
        left -= qty;
        this.recordFill(req.id, req.side, px[i]!, qty, 'taker');
      }
      // Filled only when the whole requested size traded; a reduce-only cap leaves the rest expired.
      l?.onOrderEnded(req.id, size - left >= req.size - 1e-12 ? 'filled' : 'expired');
      return;
    }
    if (buying ? req.price >= bestAsk : req.price <= bestBid) return l?.onOrderRejected(req.id, 'post_only_would_cross');
    this.resting.push({
      id: req.id,
      side: req.side,
      price: req.price,
      size: req.size,
      remaining: req.size,
      queueAhead: this.displayedAt(req.side, req.price),
    });
    l?.onOrderAccepted(req.id);
  }

  /** Books a maker fill the queue model decided on; ends the order when nothing is left. */
  private settle(o: PaperOrder, filled: number): void {
    if (filled <= 1e-12) return;
    this.recordFill(o.id, o.side, o.price, filled, 'maker');
    if (o.remaining <= 1e-12) {
      this.resting.splice(this.resting.indexOf(o), 1);
      this.listener?.onOrderEnded(o.id, 'filled');
    }
  }

  private recordFill(orderId: number, side: Side, price: number, size: number, liquidity: 'maker' | 'taker'): void {
    const fee = (price * size * (liquidity === 'maker' ? this.makerFeeBps : this.takerFeeBps)) / 1e4;
    const time = this.clock();
    this.accounting.recordFill({ time, orderId, side, price, size, fee, liquidity, midAtFill: this.mid() });
    this.listener?.onFill({
      fillId: `paper-${++this.fillSeq}`,
      orderId,
      symbol: this.symbol,
      side,
      price,
      size,
      fee,
      liquidity,
      time,
    });
  }
}
