/**
 * The first thing a watch socket's message meets, before it is even parsed: its size, and the
 * socket's own message budget (a token bucket per connection). A message over the budget is dropped
 * unread; a socket whose refused messages (dropped, or invalid further on) reach `socketMaxRefused`
 * is closed with 1008 — a flood costs the hub a counter increment per message, then a closed socket.
 *
 * Each socket is registered with its identity (an id, the set, the name of the token it was opened
 * with); the per-connection state lives in memory for as long as the socket does.
 */
import { MAX_SOCKET_MESSAGE_BYTES } from '../../shared/api.ts';
import type { Clock } from '../../shared/clock.ts';
import type { EdgeConfig } from '../config.ts';
import { createTokenBucket, type TokenBucket } from './token-bucket.ts';

/** Who a socket is. */
export interface SocketAttachment {
  id: string;
  /** The set it watches. */
  set: string;
  /** The token's name (never its value): the owner of the runner entries it creates. */
  token: string;
  /** Who the socket said it is (`?runner=&region=`): decides whether a rollout's candidate is pushed to it. */
  who?: { runner?: string; region?: string };
}

/** Close codes (RFC 6455): 1007 malformed message, 1008 policy (flooding), 1009 message too big. */
export const CLOSE_MALFORMED = 1007;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;

export interface SocketState {
  readonly ws: WebSocket;
  readonly attachment: SocketAttachment;
  readonly budget: TokenBucket;
  refused: number;
  closed: boolean;
}

export type Admission =
  | { kind: 'admitted'; text: string }
  | { kind: 'dropped' }
  | { kind: 'close'; code: number; reason: string };

export interface SocketGuardOptions {
  config: () => EdgeConfig;
  clock: Pick<Clock, 'now'>;
}

export class SocketGuard {
  readonly #o: SocketGuardOptions;
  readonly #byId = new Map<string, SocketState>();
  readonly #bySocket = new WeakMap<WebSocket, SocketState>();

  constructor(options: SocketGuardOptions) {
    this.#o = options;
  }

  /** Starts the budget of a new socket. */
  register(ws: WebSocket, attachment: SocketAttachment): SocketState {
    const config = this.#o.config();
    const state: SocketState = {
      ws,
      attachment,
      budget: createTokenBucket({
        ratePerS: config.socketMessageRatePerS,
        burst: config.socketMessageBurst,
        clock: this.#o.clock,
      }),
      refused: 0,
      closed: false,
    };
    this.#byId.set(attachment.id, state);
    this.#bySocket.set(ws, state);
    return state;
  }

  state(ws: WebSocket): SocketState | undefined {
    return this.#bySocket.get(ws);
  }

  /** Size, then budget: whether the message may be parsed at all. */
  admit(state: SocketState, raw: string | ArrayBuffer): Admission {
    if (state.closed) return { kind: 'dropped' };
    if (byteLength(raw) > MAX_SOCKET_MESSAGE_BYTES)
      return { kind: 'close', code: CLOSE_TOO_BIG, reason: `messages are at most ${MAX_SOCKET_MESSAGE_BYTES} bytes` };
    if (state.budget.take().kind === 'limited') return this.refuse(state) ?? { kind: 'dropped' };
    return { kind: 'admitted', text: typeof raw === 'string' ? raw : new TextDecoder().decode(raw) };
  }

  /** Counts a refused message; past the hard limit, the socket is to be closed. */
  refuse(state: SocketState): Admission | undefined {
    state.refused += 1;
    const { socketMaxRefused, socketMessageRatePerS } = this.#o.config();
    if (state.refused < socketMaxRefused) return undefined;
    return {
      kind: 'close',
      code: CLOSE_POLICY,
      reason: `${socketMaxRefused} messages refused: at most ${socketMessageRatePerS}/s, valid ones only`,
    };
  }

  /** A socket this guard has seen, by its attachment's id. */
  byId(id: string): SocketState | undefined {
    return this.#byId.get(id);
  }

  forget(ws: WebSocket): void {
    const state = this.#bySocket.get(ws);
    if (state !== undefined) this.#byId.delete(state.attachment.id);
    this.#bySocket.delete(ws);
  }
}

function byteLength(raw: string | ArrayBuffer): number {
  if (typeof raw !== 'string') return raw.byteLength;
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: encode only when the length alone cannot decide.
  if (raw.length > MAX_SOCKET_MESSAGE_BYTES || raw.length * 3 <= MAX_SOCKET_MESSAGE_BYTES) return raw.length;
  return new TextEncoder().encode(raw).length;
}
