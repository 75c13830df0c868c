/**
 * The paper venue's network part: one WebSocket to Hyperliquid's public feed that subscribes on
 * every open, pings so the server keeps it, and reconnects with full-jitter backoff (reset once a
 * connection opens) until stopped. It knows nothing of orders: the venue hears `onOpen`,
 * `onMessage` and `onClose` and does the rest. Kept apart so the one reconnecting socket of the
 * client can replace it without touching the fill model.
 */
import WebSocket from 'ws';
import { computeBackoff, DEFAULT_BACKOFF, type BackoffOptions } from '../../../client/backoff.ts';
import { type Clock, systemClock } from '../../../shared/clock.ts';
import type { EngineLogger } from '../../../engine/strategy/quoting-engine.ts';

/** Hyperliquid drops a connection that sent nothing for a minute; a ping every 30 s keeps it. */
const PING_EVERY_MS = 30_000;
const PING = JSON.stringify({ method: 'ping' });
const SILENT: EngineLogger = { info() {}, warn() {} };

export interface PaperFeedOptions {
  url: string;
  /** Sent, in order, on every open. */
  subscriptions: readonly string[];
  onOpen(): void;
  onMessage(text: string): void;
  /** The current socket closed, opened or not (a reconnect follows); not called for the one `stop` closes. */
  onClose(): void;
  backoff?: BackoffOptions;
  random?: () => number;
  clock?: Clock;
  WebSocketCtor?: typeof WebSocket;
  logger?: EngineLogger;
}

export class PaperFeed {
  /** Connections opened so far (1 + reconnects). */
  connections = 0;
  #options: PaperFeedOptions;
  #backoff: BackoffOptions;
  #random: () => number;
  #clock: Clock;
  #WebSocketCtor: typeof WebSocket;
  #logger: EngineLogger;
  #ws: WebSocket | null = null;
  #attempt = 0;
  /** Aborted by `stop`: ends the pending reconnect and the ping loop. */
  #running: AbortController | null = null;

  constructor(options: PaperFeedOptions) {
    this.#options = options;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#random = options.random ?? Math.random;
    this.#clock = options.clock ?? systemClock;
    this.#WebSocketCtor = options.WebSocketCtor ?? WebSocket;
    this.#logger = options.logger ?? SILENT;
  }

  start(): void {
    if (this.#running !== null) return;
    this.#running = new AbortController();
    this.#connect(this.#running.signal);
  }

  /** Closes the socket for good; `onClose` is not called for it (the caller knows). */
  stop(): void {
    this.#running?.abort();
    this.#running = null;
    const ws = this.#ws;
    this.#ws = null;
    ws?.close();
  }

  #connect(signal: AbortSignal): void {
    const ws = new this.#WebSocketCtor(this.#options.url);
    this.#ws = ws;
    ws.on('open', () => {
      if (this.#ws !== ws) return;
      this.#attempt = 0;
      this.connections++;
      for (const msg of this.#options.subscriptions) ws.send(msg);
      void this.#pingWhileOpen(ws, signal);
      this.#options.onOpen();
    });
    ws.on('message', (data) => {
      if (this.#ws === ws) this.#options.onMessage(String(data));
    });
    ws.on('error', (error) => this.#logger.warn({ err: error.message }, 'paper feed error'));
    ws.on('close', () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#options.onClose();
      if (signal.aborted) return;
      const delay = computeBackoff(this.#attempt++, this.#backoff, this.#random);
      this.#logger.warn({ delay_ms: delay, attempt: this.#attempt }, 'paper feed lost; reconnecting');
      this.#clock.sleep(delay, signal).then(
        () => this.#connect(signal),
        () => {}, // stopped while waiting
      );
    });
  }

  async #pingWhileOpen(ws: WebSocket, signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await this.#clock.sleep(PING_EVERY_MS, signal);
      } catch {
        return; // stopped
      }
      if (this.#ws !== ws) return;
      ws.send(PING);
    }
  }
}
