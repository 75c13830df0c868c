/**
 * The paper venue's network part: Hyperliquid's public feed on the one reconnecting socket of the
 * client (`client/reconnecting-socket.ts`: backoff with full jitter, silence and upgrade deadlines
 * on the injected clock). This file adds only what is Hyperliquid's: the subscriptions sent on every
 * open and the application-level ping the server wants. It knows nothing of orders: the venue hears
 * `onOpen`, `onMessage` and `onClose` and does the rest.
 */
import WebSocket from 'ws';
import type { BackoffOptions } from '../../../client/backoff.ts';
import { ReconnectingSocket, type WebSocketConstructor } from '../../../client/reconnecting-socket.ts';
import type { Clock } from '../../../shared/clock.ts';
import type { EngineLogger } from '../../../engine/strategy/quoting-engine.ts';

/**
 * Hyperliquid drops a connection that sent nothing for a minute, so we ping; and it answers every
 * ping with `{"channel":"pong"}`, so three intervals without any message (30 s) mean the socket is
 * half-open: the reconnecting socket drops it and reconnects (a busy book sends several messages a
 * second, so a quiet market never comes near the bound).
 */
export const PAPER_PING_EVERY_MS = 10_000;
const PING = JSON.stringify({ method: 'ping' });
const SILENT: EngineLogger = { info() {}, warn() {} };

/**
 * How a feed connects and whom it tells: the venues that hold a feed (paper, Hyperliquid) take these
 * among their own options and hand them on unchanged (`feedConnection`).
 */
export interface FeedConnectionOptions {
  backoff?: BackoffOptions | undefined;
  random?: (() => number) | undefined;
  clock?: Clock | undefined;
  WebSocketCtor?: WebSocketConstructor | undefined;
  logger?: EngineLogger | undefined;
}

/** The connection settings among a venue's options. */
export function feedConnection(options: FeedConnectionOptions): FeedConnectionOptions {
  const { backoff, random, clock, WebSocketCtor, logger } = options;
  return { backoff, random, clock, WebSocketCtor, logger };
}

export interface PaperFeedOptions extends FeedConnectionOptions {
  url: string;
  /** Sent, in order, on every open. */
  subscriptions: readonly string[];
  onOpen(): void;
  onMessage(text: string): void;
  /** The current socket closed, opened or not (a reconnect follows); not called for the one `stop` closes. */
  onClose(): void;
}

export class PaperFeed {
  /** Connections opened so far (1 + reconnects). */
  connections = 0;
  #socket: ReconnectingSocket;
  #running: AbortController | null = null;

  constructor(options: PaperFeedOptions) {
    const logger = options.logger ?? SILENT;
    this.#socket = new ReconnectingSocket({
      url: options.url,
      WebSocket: options.WebSocketCtor ?? (WebSocket as unknown as WebSocketConstructor),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      pingIntervalMs: PAPER_PING_EVERY_MS,
      pingMessage: PING,
      name: 'paper feed',
      onOpen: (session) => {
        this.connections++;
        for (const message of options.subscriptions) session.send(message);
        options.onOpen();
      },
      onMessage: (text) => options.onMessage(text),
      onFailure: (failure) => {
        options.onClose();
        logger.warn(
          { err: failure.error.message, delay_ms: failure.delayMs, attempt: failure.attempt + 1 },
          'paper feed lost; reconnecting',
        );
        return 'retry';
      },
    });
  }

  start(): void {
    if (this.#running !== null) return;
    this.#running = new AbortController();
    void this.#socket.run(this.#running.signal);
  }

  /** Closes the socket for good; `onClose` is not called for it (the caller knows). */
  stop(): void {
    this.#running?.abort();
    this.#running = null;
  }
}
