/**
 * The live Hyperliquid venue: the engine's orders as signed actions, the exchange's answers as the
 * engine's events (engine/venue/venue.ts).
 *
 * - Quotes are post-only `Alo` limit orders, liquidation reduce-only `Ioc` at the price the engine
 *   computed (opposite best ± the spec's slippage bound); prices are put on Hyperliquid's grid away
 *   from the book, sizes floored to `szDecimals` (from `meta`); the tick follows the price.
 * - Every order carries a `cloid` (cloid-map.ts): cancels go by cloid, fills and order updates are
 *   mapped back by it, and an order of another run is recognised as not ours.
 * - What one engine event asks for goes out together: all its orders in one action, all its cancels
 *   in another (one signature and one unit of rate budget each).
 * - Fills come from `userFills` (snapshot included: it holds what filled while we were away),
 *   deduplicated by `tid`, filtered by coin; order ends from `orderUpdates` and the HTTP answers,
 *   whichever comes first.
 * - Reconciliation: at every (re)connect, open orders are read and any that is not a live order of
 *   this run is cancelled; the position is read when the engine asks (every 30 s and after a
 *   reconnect). A lost socket means our resting orders are still on the book: the engine cancels
 *   them over HTTP, and the dead-man's switch covers the case where that fails too.
 * - Dead-man's switch: while the socket is up and `isHealthy()` holds, `scheduleCancel` is pushed
 *   `deadManMs` ahead every `deadManRefreshMs`; if the runner dies, hangs or loses its params path,
 *   the refreshes stop and the exchange cancels every open order when the time comes.
 * - The rate budget (rate-budget.ts) is consulted before each request: quotes stop first, cancels last.
 */
import { type Clock, systemClock } from '../../../shared/clock.ts';
import { ObservedBook } from '../../../engine/matcher/observed-book.ts';
import type { MarketSpec } from '../../../engine/strategy/compute-quote.ts';
import type { EngineLogger } from '../../../engine/strategy/quoting-engine.ts';
import { lotFloor } from '../../../engine/strategy/tick-math.ts';
import { CloidMap } from '../../../engine/venue/hyperliquid/cloid-map.ts';
import {
  type Cloid,
  cancelAction,
  cancelByCloidAction,
  orderAction,
  orderWire,
} from '../../../engine/venue/hyperliquid/order-wire.ts';
import { hyperliquidLot, hyperliquidTick, roundPassive } from '../../../engine/venue/hyperliquid/price-rule.ts';
import type { EndReason, OrderRequest, RejectReason, Venue, VenueListener } from '../../../engine/venue/venue.ts';
import { DEAD_MAN_REFRESH_MS, DeadMansSwitch, type DeadMansSwitchStatus } from './dead-mans-switch.ts';
import { orderOutcome, rejectReasonOf } from './order-outcome.ts';
import { SeenIds } from './seen-ids.ts';
import { parseHyperliquidMessage, subscribeMessage } from '../paper/hyperliquid-messages.ts';
import { type FeedConnectionOptions, PaperFeed, feedConnection } from '../paper/paper-feed.ts';
import { repeatEvery } from '../../repeat-every.ts';
import { HYPERLIQUID_ENDPOINTS } from './hyperliquid-endpoints.ts';
import { type FetchFn, HyperliquidApi, HyperliquidRequestError } from './hyperliquid-api.ts';
import {
  type ExchangeResponse,
  type OrderUpdate,
  parseUserMessage,
  type UserFill,
  UserRateLimitSchema,
} from './hyperliquid-shapes.ts';
import { readAsset, readOpenOrders, readPosition } from './account-reads.ts';
import type { HyperliquidSigner, Network } from './hyperliquid-signer.ts';
import { RateBudget, type RateSnapshot } from './rate-budget.ts';

export const OPEN_ORDERS_CHECK_MS = 60_000;
const SILENT: EngineLogger = { info() {}, warn() {} };

export interface HyperliquidVenueOptions extends FeedConnectionOptions {
  network: Network;
  coin: string;
  signer: HyperliquidSigner;
  /** The trading account (the master address an agent wallet acts for); default: the signer's. */
  account?: `0x${string}` | undefined;
  vaultAddress?: `0x${string}` | undefined;
  apiUrl?: string | undefined;
  wsUrl?: string | undefined;
  dryRun?: boolean | undefined;
  /** False stops the dead-man's switch refreshes (the params path is in error, the loop is stuck). */
  isHealthy?: (() => boolean) | undefined;
  deadManMs?: number | undefined;
  deadManRefreshMs?: number | undefined;
  openOrdersCheckMs?: number | undefined;
  expiresAfterMs?: number | undefined;
  fetch?: FetchFn | undefined;
}

type OrderState = 'pending' | 'open' | 'ended';

interface LiveOrder {
  id: number;
  cloid: Cloid;
  state: OrderState;
  oid: number | null;
  /** An IOC's remainder is "canceled" by the exchange: for the engine it expired. */
  ioc: boolean;
}

/** What /status and /metrics show of the venue. */
export interface HyperliquidVenueStatus {
  network: Network;
  account: string;
  dry_run: boolean;
  connected: boolean;
  asset: number | null;
  sz_decimals: number | null;
  open_orders: number;
  rate: RateSnapshot;
  dead_man: DeadMansSwitchStatus;
  last_error: string | null;
}

export class HyperliquidVenue implements Venue {
  readonly symbol: string;
  /** Mutated in place: the tick follows the price, the lot comes from `meta`. */
  readonly market: MarketSpec = { tick: 0.001, lot: 0.01 };
  readonly account: `0x${string}`;
  readonly api: HyperliquidApi;
  readonly budget: RateBudget;
  #o: HyperliquidVenueOptions;
  #clock: Clock;
  #logger: EngineLogger;
  #cloids: CloidMap;
  #feed: PaperFeed;
  #book = new ObservedBook(64);
  #listener: VenueListener | null = null;
  #orders = new Map<number, LiveOrder>();
  #seenTids = new SeenIds();
  #deadMan: DeadMansSwitch;
  #placeBatch: OrderRequest[] = [];
  #cancelBatch: number[] = [];
  #flushQueued = false;
  #asset: number | null = null;
  #szDecimals: number | null = null;
  #connected = false;
  #positionWanted = false;
  #running: AbortController | null = null;
  #lastError: string | null = null;

  constructor(options: HyperliquidVenueOptions) {
    this.#o = options;
    this.symbol = options.coin;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? SILENT;
    this.account = (options.account ?? options.signer.address).toLowerCase() as `0x${string}`;
    this.#cloids = new CloidMap(options.random ?? Math.random);
    this.budget = new RateBudget(this.#clock);
    const endpoints = HYPERLIQUID_ENDPOINTS[options.network];
    this.api = new HyperliquidApi({
      apiUrl: options.apiUrl ?? endpoints.api,
      network: options.network,
      signer: options.signer,
      budget: this.budget,
      dryRun: options.dryRun,
      vaultAddress: options.vaultAddress,
      ...(options.expiresAfterMs !== undefined ? { expiresAfterMs: options.expiresAfterMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      clock: this.#clock,
      logger: this.#logger,
    });
    this.#deadMan = new DeadMansSwitch({
      api: this.api,
      clock: this.#clock,
      horizonMs: options.deadManMs,
      // Only while the socket is up and the runner vouches for itself (params path, fresh feed).
      armable: () => this.#connected && (options.isHealthy?.() ?? true),
      onError: (error) => this.#noteError(error),
    });
    const user = this.account;
    this.#feed = new PaperFeed({
      url: options.wsUrl ?? endpoints.ws,
      subscriptions: [
        subscribeMessage({ type: 'l2Book', coin: this.symbol }),
        subscribeMessage({ type: 'orderUpdates', user }),
        subscribeMessage({ type: 'userFills', user }),
      ],
      onOpen: () => void this.#onOpen(),
      onMessage: (text) => this.#onMessage(text),
      onClose: () => this.#onLost(),
      ...feedConnection(options),
    });
  }

  get connections(): number {
    return this.#feed.connections;
  }

  setListener(listener: VenueListener): void {
    this.#listener = listener;
  }

  /** Reads `meta` (asset index, `szDecimals`), then opens the socket; periodic duties start. */
  async start(): Promise<void> {
    if (this.#running !== null) return;
    this.#running = new AbortController();
    const signal = this.#running.signal;
    await this.#loadMeta(signal);
    if (signal.aborted) return;
    this.#feed.start();
    const clock = this.#clock;
    const deadManMs = this.#o.deadManRefreshMs ?? DEAD_MAN_REFRESH_MS;
    void repeatEvery({ clock, ms: deadManMs, signal, duty: () => this.#deadMan.refresh(), immediately: true });
    const checkMs = this.#o.openOrdersCheckMs ?? OPEN_ORDERS_CHECK_MS;
    void repeatEvery({ clock, ms: checkMs, signal, duty: () => this.#periodicCheck(), immediately: true });
  }

  /** Closes the socket and stops the duties. The dead-man's switch stays armed: it is the last guard. */
  stop(): void {
    this.#running?.abort();
    this.#running = null;
    this.#feed.stop();
    this.#connected = false;
  }

  status(): HyperliquidVenueStatus {
    let open = 0;
    for (const o of this.#orders.values()) if (o.state !== 'ended') open++;
    return {
      network: this.#o.network,
      account: this.account,
      dry_run: this.api.dryRun,
      connected: this.#connected,
      asset: this.#asset,
      sz_decimals: this.#szDecimals,
      open_orders: open,
      rate: this.budget.snapshot(),
      dead_man: this.#deadMan.status(),
      last_error: this.#lastError,
    };
  }

  // ---- engine → exchange ---------------------------------------------------------------------

  place(order: OrderRequest): void {
    const cloid = this.#cloids.cloid(order.id);
    this.#orders.set(order.id, { id: order.id, cloid, state: 'pending', oid: null, ioc: order.type === 'ioc' });
    this.#placeBatch.push(order);
    this.#queueFlush();
  }

  cancel(orderId: number): void {
    const order = this.#orders.get(orderId);
    if (order === undefined || order.state === 'ended') {
      queueMicrotask(() => this.#listener?.onCancelRejected(orderId, 'unknown order (already filled or cancelled)'));
      return;
    }
    this.#cancelBatch.push(orderId);
    this.#queueFlush();
  }

  requestPosition(): void {
    if (this.#asset === null) {
      this.#positionWanted = true; // answered once `meta` is in
      return;
    }
    void this.#readPosition();
  }

  // ---- batching --------------------------------------------------------------------------------

  /** Everything one engine event asked for is queued by the time the microtask runs. */
  #queueFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      const places = this.#placeBatch.splice(0);
      const cancels = this.#cancelBatch.splice(0);
      if (places.length > 0) void this.#sendPlaces(places);
      if (cancels.length > 0) void this.#sendCancels(cancels);
    });
  }

  async #sendPlaces(orders: OrderRequest[]): Promise<void> {
    const wires = [];
    const sent: OrderRequest[] = [];
    for (const order of orders) {
      const wire = this.#wireOf(order);
      if (typeof wire === 'string') this.#reject(order.id, wire === 'disconnected' ? 'disconnected' : 'invalid_order');
      else {
        wires.push(wire);
        sent.push(order);
      }
    }
    if (wires.length === 0) return;
    let answer: ExchangeResponse;
    try {
      answer = await this.api.exchange(orderAction(wires), 'order', wires.length);
    } catch (error) {
      this.#noteError(error);
      // Never sent (held back, 429), or unknown (network): either way not resting as far as we can
      // tell; cancel by cloid in case it did reach the book, and let reconciliation catch the rest.
      for (const order of sent) this.#reject(order.id, 'disconnected');
      if (!(error instanceof HyperliquidRequestError) || (error.kind !== 'deferred' && error.kind !== 'throttled'))
        void this.#cancelStrays(sent.map((o) => this.#cloids.cloid(o.id)));
      return;
    }
    if (answer.status === 'err') {
      this.#noteError(new Error(answer.response));
      for (const order of sent) this.#reject(order.id, rejectReasonOf(answer.response));
      return;
    }
    const statuses = 'data' in answer.response && answer.response.type === 'order' ? answer.response.data.statuses : [];
    sent.forEach((order, i) => {
      const live = this.#orders.get(order.id);
      if (live === undefined || live.state === 'ended') return;
      const outcome = orderOutcome(statuses[i], order.size);
      switch (outcome.kind) {
        case 'resting':
          live.oid = outcome.oid;
          this.#accept(live);
          break;
        case 'done':
          // An IOC (or a quote that traded after all) is over at once; its fills come on userFills.
          live.oid = outcome.oid ?? live.oid;
          this.#accept(live);
          this.#end(order.id, outcome.reason);
          break;
        case 'rejected':
          this.#logger.warn({ order: order.id, error: outcome.message }, 'hyperliquid refused an order');
          this.#reject(order.id, outcome.reason);
          break;
      }
    });
  }

  #wireOf(order: OrderRequest): ReturnType<typeof orderWire> | 'disconnected' | 'invalid' {
    if (this.#asset === null || this.#szDecimals === null || !this.#connected) return 'disconnected';
    if (!(order.price > 0) || !Number.isFinite(order.price)) return 'invalid';
    const size = lotFloor(order.size, this.market.lot);
    if (!(size > 0)) return 'invalid';
    // Away from the book on the price grid: a quote never gets more aggressive, and the IOC's
    // limit stays inside the engine's slippage bound.
    const price = roundPassive(order.price, order.side, this.#szDecimals);
    try {
      return orderWire({
        asset: this.#asset,
        isBuy: order.side === 'buy',
        price,
        size,
        reduceOnly: order.reduceOnly,
        tif: order.type === 'post_only' ? 'Alo' : 'Ioc',
        cloid: this.#cloids.cloid(order.id),
      });
    } catch {
      return 'invalid';
    }
  }

  async #sendCancels(ids: number[]): Promise<void> {
    const targets = ids.map((id) => this.#orders.get(id)).filter((o): o is LiveOrder => o !== undefined && o.state !== 'ended');
    if (targets.length === 0 || this.#asset === null) return;
    const asset = this.#asset;
    let answer: ExchangeResponse;
    try {
      answer = await this.api.exchange(
        cancelByCloidAction(targets.map((o) => ({ asset, cloid: o.cloid }))),
        'cancel',
        targets.length,
      );
    } catch (error) {
      this.#noteError(error);
      for (const o of targets) this.#listener?.onCancelRejected(o.id, (error as Error).message);
      return;
    }
    if (answer.status === 'err') {
      this.#noteError(new Error(answer.response));
      for (const o of targets) this.#listener?.onCancelRejected(o.id, answer.response);
      return;
    }
    const statuses = 'data' in answer.response && answer.response.type === 'cancel' ? answer.response.data.statuses : [];
    targets.forEach((o, i) => {
      const status = statuses[i];
      if (status === 'success') this.#end(o.id, 'cancelled');
      else if (o.state !== 'ended') this.#listener?.onCancelRejected(o.id, status?.error ?? 'no status for this cancel');
    });
  }

  // ---- exchange → engine ---------------------------------------------------------------------

  #accept(order: LiveOrder): void {
    if (order.state !== 'pending') return;
    order.state = 'open';
    this.#listener?.onOrderAccepted(order.id);
  }

  #reject(id: number, reason: RejectReason): void {
    const order = this.#orders.get(id);
    if (order === undefined || order.state === 'ended') return;
    order.state = 'ended';
    queueMicrotask(() => this.#listener?.onOrderRejected(id, reason));
  }

  #end(id: number, reason: EndReason): void {
    const order = this.#orders.get(id);
    if (order === undefined || order.state === 'ended') return;
    if (order.state === 'pending') this.#accept(order);
    order.state = 'ended';
    this.#listener?.onOrderEnded(id, reason);
    // Kept a while for late fills to map; dropped when the map grows (ids only grow).
    if (this.#orders.size > 4_096)
      for (const [key, o] of this.#orders) if (o.state === 'ended' && this.#orders.size > 2_048) this.#orders.delete(key);
  }

  async #onOpen(): Promise<void> {
    this.#connected = true;
    this.#logger.info({ network: this.#o.network, coin: this.symbol, account: this.account }, 'hyperliquid connected');
    await this.#cancelStrayOpenOrders('connect');
    this.#listener?.onConnectionChange(true);
    await this.#deadMan.refresh();
  }

  #onLost(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#book.clear();
    // Our orders still rest on the exchange: the engine cancels them (over HTTP) on hearing this,
    // and the dead-man's switch stops being refreshed while the socket is down.
    this.#listener?.onConnectionChange(false);
  }

  #onMessage(text: string): void {
    const user = parseUserMessage(text);
    switch (user.kind) {
      case 'fills':
        for (const fill of user.fills) this.#onFill(fill);
        return;
      case 'orders':
        for (const update of user.updates) this.#onOrderUpdate(update);
        return;
      case 'error':
        this.#lastError = user.message;
        this.#logger.warn({ error: user.message }, 'hyperliquid refused a request on the socket');
        return;
      case 'invalid':
        this.#logger.warn({ reason: user.reason }, 'hyperliquid message ignored');
        return;
      case 'other':
        break;
    }
    const market = parseHyperliquidMessage(text);
    if (market.kind === 'book' && market.coin === this.symbol) {
      if (!this.#book.update(market.time, market.bids, market.asks)) return;
      // A one-sided book has no mid: the tick stays what it was (the price rule needs a positive price).
      const mid = this.#book.mid();
      if (this.#szDecimals !== null && mid > 0 && Number.isFinite(mid)) this.market.tick = hyperliquidTick(mid, this.#szDecimals);
      this.#listener?.onBook(this.#book.view);
    }
  }

  #onFill(fill: UserFill): void {
    if (fill.coin !== this.symbol || !this.#seenTids.add(fill.tid)) return;
    const orderId = this.#cloids.orderId(fill.cloid);
    // A fill of another run's order (or a manual one) is not ours to book: the position read at
    // reconciliation carries it.
    if (orderId === null) return;
    this.#listener?.onFill({
      fillId: `hl-${fill.tid}`,
      orderId,
      symbol: this.symbol,
      side: fill.side,
      price: fill.px,
      size: fill.sz,
      fee: fill.fee,
      liquidity: fill.crossed ? 'taker' : 'maker',
      time: fill.time,
    });
  }

  #onOrderUpdate(update: OrderUpdate): void {
    if (update.order.coin !== this.symbol) return;
    const id = this.#cloids.orderId(update.order.cloid);
    if (id === null) return;
    const order = this.#orders.get(id);
    if (order === undefined) return;
    if (order.oid === null) order.oid = update.order.oid;
    if (update.status === 'open') this.#accept(order);
    else if (update.status === 'filled') this.#end(id, 'filled');
    // canceled, marginCanceled, scheduledCancel, reduceOnlyCanceled, …: over, not filled.
    else if (/cancel|rejected/i.test(update.status)) this.#end(id, order.ioc ? 'expired' : 'cancelled');
  }

  // ---- reads and duties -----------------------------------------------------------------------

  async #loadMeta(signal: AbortSignal): Promise<void> {
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const { asset, szDecimals } = await readAsset(this.api, this.symbol);
        this.#asset = asset;
        this.#szDecimals = szDecimals;
        this.market.lot = hyperliquidLot(szDecimals);
        this.market.tick = hyperliquidTick(1, szDecimals);
        this.#logger.info({ coin: this.symbol, asset, sz_decimals: szDecimals }, 'hyperliquid meta loaded');
        if (this.#positionWanted) {
          this.#positionWanted = false;
          void this.#readPosition();
        }
        return;
      } catch (error) {
        this.#noteError(error);
        if (!(error instanceof HyperliquidRequestError)) throw error;
        try {
          await this.#clock.sleep(Math.min(1_000 * 2 ** attempt, 30_000), signal);
        } catch {
          return;
        }
      }
    }
  }

  async #readPosition(): Promise<void> {
    try {
      this.#listener?.onPosition(this.symbol, await readPosition(this.api, this.account, this.symbol));
    } catch (error) {
      this.#noteError(error); // the engine asks again at its next reconciliation
    }
  }

  /** Open orders that are not live orders of this run are cancelled (by oid: they may have no cloid). */
  async #cancelStrayOpenOrders(why: string): Promise<void> {
    if (this.#asset === null) return;
    const asset = this.#asset;
    try {
      const stray = (await readOpenOrders(this.api, this.account, this.symbol)).filter((o) => {
        const id = this.#cloids.orderId(o.cloid);
        const live = id === null ? undefined : this.#orders.get(id);
        return live === undefined || live.state === 'ended';
      });
      if (stray.length === 0) return;
      this.#logger.warn({ why, orders: stray.map((o) => o.oid) }, 'cancelling open orders that are not live orders of this run');
      await this.api.exchange(cancelAction(stray.map((o) => ({ asset, oid: o.oid }))), 'cancel', stray.length);
    } catch (error) {
      this.#noteError(error);
    }
  }

  async #cancelStrays(cloids: Cloid[]): Promise<void> {
    if (this.#asset === null) return;
    const asset = this.#asset;
    try {
      await this.api.exchange(cancelByCloidAction(cloids.map((cloid) => ({ asset, cloid }))), 'cancel', cloids.length);
    } catch (error) {
      this.#noteError(error);
    }
  }

  async #periodicCheck(): Promise<void> {
    if (!this.#connected) return;
    try {
      const limit = await this.api.info({ type: 'userRateLimit', user: this.account }, UserRateLimitSchema, 20);
      this.budget.setAddressBudget(limit.nRequestsUsed, limit.nRequestsCap);
    } catch (error) {
      this.#noteError(error);
    }
    await this.#cancelStrayOpenOrders('periodic check');
  }

  #noteError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#lastError = message.slice(0, 300);
    this.#logger.warn({ err: this.#lastError }, 'hyperliquid request failed');
  }
}
