/**
 * One WebSocket that stays connected: it opens, pings, notices when the peer has gone silent, and
 * after any loss reconnects with the one backoff (`backoff.ts`: full jitter, `Retry-After` wins).
 * The edge's watch stream (`watch-socket.ts`: runner sync, CLI `watch`) runs on it, and so can any
 * other feed (an exchange's market data): URL, headers, the `WebSocket` constructor, the clock, the
 * ping and the message handler are all parameters.
 *
 * Why each rule:
 * - Pings every `pingIntervalMs` on the injected clock; a socket silent for three intervals is dead
 *   even if TCP has not noticed (a NAT or proxy that dropped the flow can leave it "open" for many
 *   minutes), so it is dropped and reopened.
 * - An upgrade still unanswered after one interval is dropped too: after a network drop a TCP
 *   accept can leave the upgrade hanging forever.
 * - The attempt count (and so the backoff) resets only once the peer has sent a message: a server
 *   that accepts and closes at once must not be hammered.
 * - The WHATWG interface (`addEventListener`) is what the socket is written against, so the
 *   browser's `WebSocket` works; `ws` (Node) adds what browsers hide and is used when present: the
 *   status and `Retry-After` of a refused upgrade, protocol-level pongs, `terminate()`.
 */
import { systemClock, type Clock } from '../shared/clock.ts';
import { DEFAULT_BACKOFF, retryDelay, type BackoffOptions } from './backoff.ts';
import { BadResponseError, EdgeError, edgeErrorFromResponse, NetworkError, TimeoutError } from './edge-errors.ts';

/** The one keep-alive period: a ping every 15 s, dropped after 45 s of silence or 15 s without an upgrade answer. */
export const PING_INTERVAL_MS = 15_000;

const CONNECTING = 0;
const OPEN = 1;
/** Close code for "no close frame": the connection just went away. */
const ABNORMAL_CLOSURE = 1006;

/** The HTTP answer to an upgrade that was refused (`ws`'s `unexpected-response`). */
export interface UpgradeResponse {
  statusCode?: number | undefined;
  headers: Record<string, string | string[] | undefined>;
  resume(): unknown;
}

/** The part of a WebSocket this module uses: the WHATWG interface, plus `ws`'s extras when present. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
  /** `ws`: ends the connection at once, without a closing handshake. */
  terminate?(): void;
  /** `ws`: a protocol-level ping (the peer's pong is a sign of life too). */
  ping?(): void;
  /** `ws`: the refused upgrade's answer, and protocol-level pongs. */
  on?(event: 'unexpected-response', listener: (request: { destroy(): void }, response: UpgradeResponse) => void): unknown;
  on?(event: 'pong', listener: () => void): unknown;
}

/**
 * A WebSocket constructor. Headers (an Authorization) need `ws`'s `(url, { headers })`; the WHATWG
 * constructor cannot send them, so it is called as `(url)` when there are none.
 */
export type WebSocketConstructor = new (
  url: string,
  options?: { headers?: Record<string, string>; handshakeTimeout?: number; maxPayload?: number },
) => WebSocketLike;

/**
 * Largest message a socket accepts unless told otherwise: 1 MiB (a market feed's book snapshot is
 * tens of KiB). `ws` would take 100 MiB; past the cap it closes the connection (1009) without
 * buffering the rest, and the session is lost like any other (backoff, reconnect).
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** What a message handler may do with the socket it runs on. */
export interface SocketSession {
  /** Sends `text` if the socket is open; dropped otherwise (the next session starts afresh). */
  send(text: string): void;
  /** Ends this session with `error` as its cause; what follows is up to `onFailure`. */
  drop(error: EdgeError): void;
}

/** A session that ended without being asked to: why, and the delay the backoff chose. */
export interface SocketFailure {
  error: EdgeError;
  /** 0 for the first failure since the peer last sent a message. */
  attempt: number;
  /** The socket opened (upgrade accepted) in this session. */
  opened: boolean;
  delayMs: number;
}

export type SocketEnd = { kind: 'stopped' } | { kind: 'gave-up'; error: EdgeError; opened: boolean };

export interface ReconnectingSocketOptions {
  url: string;
  headers?: Record<string, string>;
  /**
   * Default: the global `WebSocket` (browsers, Node ≥ 22), which cannot send headers and is called
   * with the URL alone when there are none; any other constructor (`ws`) gets the options object.
   */
  WebSocket?: WebSocketConstructor | undefined;
  clock?: Clock;
  random?: () => number;
  backoff?: BackoffOptions;
  pingIntervalMs?: number;
  /** An application-level ping sent every interval (for peers that answer only those); none by default. */
  pingMessage?: string;
  /** What this socket is, for error messages: "watch socket", "market feed". */
  name?: string;
  /** Largest message accepted (`ws`'s `maxPayload`), bytes; default `DEFAULT_MAX_MESSAGE_BYTES`. */
  maxMessageBytes?: number;
  /**
   * Each message, in order: the next waits for the promise of the previous one. A handler that
   * throws drops the session (an `EdgeError` is the cause as is).
   */
  onMessage(text: string, session: SocketSession): void | Promise<void>;
  /** The upgrade was accepted: subscribe here. */
  onOpen?(session: SocketSession): void;
  /** Any sign of life: open, a message, a pong. */
  onAlive?(): void;
  /** After a session was lost: reconnect after `delayMs` (the default), or give up. */
  onFailure?(failure: SocketFailure): 'retry' | 'stop';
}

type Session = { kind: 'stopped' } | { kind: 'lost'; error: EdgeError; opened: boolean; heard: boolean };

function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return String(data);
}

function headerReader(headers: UpgradeResponse['headers']): { get(name: string): string | null } {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    },
  };
}

export class ReconnectingSocket {
  readonly #o: ReconnectingSocketOptions;
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #name: string;

  constructor(options: ReconnectingSocketOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#interval = options.pingIntervalMs ?? PING_INTERVAL_MS;
    this.#name = options.name ?? 'socket';
  }

  /** Keeps a socket open until `signal` aborts (`stopped`) or `onFailure` says stop (`gave-up`). */
  async run(signal: AbortSignal): Promise<SocketEnd> {
    const { backoff = DEFAULT_BACKOFF, random = Math.random, onFailure = () => 'retry' } = this.#o;
    let attempt = 0;
    while (!signal.aborted) {
      const session = await this.#session(signal);
      if (session.kind === 'stopped') break;
      if (session.heard) attempt = 0;
      const { error, opened } = session;
      const delayMs = retryDelay(error.retryAfterMs, attempt, backoff, random);
      if (onFailure({ error, attempt, opened, delayMs }) === 'stop') return { kind: 'gave-up', error, opened };
      attempt += 1;
      await this.#clock.sleep(delayMs, signal).catch(() => {});
    }
    return { kind: 'stopped' };
  }

  #open(): WebSocketLike {
    const {
      url,
      headers = {},
      WebSocket = globalThis.WebSocket as unknown as WebSocketConstructor | undefined,
      maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
    } = this.#o;
    if (!WebSocket) throw new Error('no WebSocket constructor in this runtime: pass one');
    // `ws`'s own handshake timeout is a real-time backstop; the deadline on the clock is the one that
    // decides. The WHATWG constructor takes no options (a browser caps messages itself); `ws` does.
    const whatwg = WebSocket === (globalThis.WebSocket as unknown);
    return Object.keys(headers).length > 0 || !whatwg
      ? new WebSocket(url, { headers, handshakeTimeout: this.#interval, maxPayload: maxMessageBytes })
      : new WebSocket(url);
  }

  /** One socket from open to close. */
  #session(signal: AbortSignal): Promise<Session> {
    const { url, onMessage, onOpen, onAlive } = this.#o;
    const clock = this.#clock;
    const name = this.#name;
    return new Promise<Session>((resolve) => {
      let socket: WebSocketLike;
      try {
        socket = this.#open();
      } catch (error) {
        const cause = error instanceof Error ? error.message : String(error);
        resolve({
          kind: 'lost',
          error: new NetworkError('network', `cannot open ${name} ${url}: ${cause}`, { cause: error }),
          opened: false,
          heard: false,
        });
        return;
      }
      const sessionEnd = new AbortController();
      let opened = false;
      let heard = false;
      let lastHeardAt = clock.now();
      let failure: EdgeError = new NetworkError('network', `${name} ${url} closed`);
      /** The cause is known (our own drop, a refused upgrade): later events must not overwrite it. */
      let decided = false;
      let queue: Promise<void> = Promise.resolve();
      const kill = () => (socket.terminate ? socket.terminate() : socket.close());
      const finish = (result: Session) => {
        if (sessionEnd.signal.aborted) return;
        sessionEnd.abort();
        signal.removeEventListener('abort', onStop);
        resolve(result);
      };
      const onStop = () => {
        socket.close(1000, 'stopping');
        finish({ kind: 'stopped' });
      };
      const session: SocketSession = {
        send: (text) => {
          if (socket.readyState === OPEN) socket.send(text);
        },
        drop: (error) => {
          if (decided) return;
          decided = true;
          failure = error;
          kill();
        },
      };
      const alive = () => {
        lastHeardAt = clock.now();
        onAlive?.();
      };
      signal.addEventListener('abort', onStop, { once: true });

      socket.on?.('unexpected-response', (request, response) => {
        decided = true;
        failure = edgeErrorFromResponse(response.statusCode ?? 0, headerReader(response.headers), '', url, clock.now());
        response.resume();
        request.destroy();
        kill();
      });
      socket.on?.('pong', alive);
      // Started now, not on open: an upgrade that is never answered must end the session too.
      void this.#keepAlive(socket, session, sessionEnd.signal, () => lastHeardAt);
      socket.addEventListener('open', () => {
        opened = true;
        alive();
        onOpen?.(session);
      });
      socket.addEventListener('message', (event) => {
        heard = true;
        alive();
        const text = textOf(event.data);
        queue = queue
          .then(() => onMessage(text, session))
          .catch((error: unknown) =>
            session.drop(
              error instanceof EdgeError
                ? error
                : new BadResponseError('bad-response', `${name} ${url}: a message could not be handled: ${String(error)}`, {
                    cause: error,
                  }),
            ),
          );
      });
      socket.addEventListener('error', (event) => {
        if (!decided) failure = new NetworkError('network', `${name} ${url}: ${event.message ?? 'error'}`);
      });
      socket.addEventListener('close', (event) => {
        if (signal.aborted) return;
        if (!decided && event.code !== ABNORMAL_CLOSURE)
          failure = new NetworkError('network', `${name} ${url} closed by the peer (code ${event.code})`);
        // Messages already received are handled before the next session starts, in order.
        void queue.then(() => finish({ kind: 'lost', error: failure, opened, heard }));
      });
    });
  }

  async #keepAlive(socket: WebSocketLike, session: SocketSession, end: AbortSignal, lastHeardAt: () => number): Promise<void> {
    const { url, pingMessage } = this.#o;
    const interval = this.#interval;
    try {
      for (;;) {
        await this.#clock.sleep(interval, end);
        if (socket.readyState === CONNECTING) {
          session.drop(new TimeoutError('timeout', `${this.#name} ${url}: no answer to the upgrade within ${interval} ms`));
          return;
        }
        if (this.#clock.now() - lastHeardAt() >= 3 * interval) {
          session.drop(new TimeoutError('timeout', `${this.#name} ${url} silent for ${3 * interval} ms`));
          return;
        }
        if (pingMessage !== undefined) session.send(pingMessage);
        if (socket.readyState === OPEN) socket.ping?.();
      }
    } catch {
      // the session ended
    }
  }
}
