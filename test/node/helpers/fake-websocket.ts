/**
 * An in-memory WebSocket for tests of `client/reconnecting-socket.ts`: the test plays the peer
 * (open, send a message, close, refuse the upgrade) and reads what the client sent. Every instance
 * is recorded with the arguments its constructor got.
 */
import type { UpgradeResponse, WebSocketConstructor, WebSocketLike } from '../../../client/reconnecting-socket.ts';

type Listener = (event: never) => void;

export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  /** Text frames the client sent. */
  readonly sent: string[] = [];
  /** Protocol-level pings the client sent. */
  pings = 0;
  /** The close code the client closed with (undefined: it did not, or it terminated). */
  closedWith: number | undefined;
  terminated = false;
  readonly url: string;
  readonly args: unknown[];
  readonly #listeners = new Map<string, Listener[]>();
  readonly #wsListeners = new Map<string, Array<(...args: never[]) => void>>();

  constructor(url: string, ...rest: unknown[]) {
    this.url = url;
    this.args = [url, ...rest];
  }

  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  on(event: string, listener: (...args: never[]) => void): this {
    this.#wsListeners.set(event, [...(this.#wsListeners.get(event) ?? []), listener]);
    return this;
  }

  send(data: string): void {
    this.sent.push(data);
  }

  ping(): void {
    this.pings += 1;
  }

  close(code = 1005): void {
    if (this.readyState === 3) return;
    this.closedWith = code;
    this.#closed(code);
  }

  terminate(): void {
    if (this.readyState === 3) return;
    this.terminated = true;
    this.#closed(1006);
  }

  // The peer's side, driven by the test.

  open(): void {
    this.readyState = 1;
    this.#emit('open', {});
  }

  receive(text: string): void {
    this.#emit('message', { data: text });
  }

  /** The peer closes (or the connection drops: 1006). */
  drop(code = 1006): void {
    this.#closed(code);
  }

  /** `ws`'s refused upgrade: an HTTP answer instead of 101. */
  refuse(statusCode: number, headers: Record<string, string> = {}): void {
    const response: UpgradeResponse = { statusCode, headers, resume: () => {} };
    for (const listener of this.#wsListeners.get('unexpected-response') ?? [])
      (listener as (request: { destroy(): void }, response: UpgradeResponse) => void)({ destroy: () => {} }, response);
  }

  /** A protocol-level pong from the peer. */
  pong(): void {
    for (const listener of this.#wsListeners.get('pong') ?? []) (listener as () => void)();
  }

  #closed(code: number): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#emit('close', { code });
  }

  #emit(type: string, event: unknown): void {
    for (const listener of this.#listeners.get(type) ?? []) (listener as (event: unknown) => void)(event);
  }
}

/** A constructor that records every socket it makes, in order. */
export function fakeWebSockets(): { WebSocket: WebSocketConstructor; sockets: FakeWebSocket[] } {
  const sockets: FakeWebSocket[] = [];
  class Recorded extends FakeWebSocket {
    constructor(url: string, ...rest: unknown[]) {
      super(url, ...rest);
      sockets.push(this);
    }
  }
  return { WebSocket: Recorded, sockets };
}
