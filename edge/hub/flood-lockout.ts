/**
 * A token's watch relay locks out new sockets after one of them was closed for flooding (1008: too
 * many refused messages; a single oversized or malformed message closes only its socket). A closed socket alone is no deterrent:
 * the flooder reconnects at once, and each new socket is an upgrade through the Worker, a hub
 * subscription and a fresh burst of frames the relay must read before its guard closes it again.
 * Locked out, an upgrade is answered 429 with `Retry-After` before any of that.
 *
 * The lockout doubles with each strike (1 s, 2 s, 4 s … at most `maxMs`) and the count is forgotten
 * after `forgetMs` without one, so a runner that misbehaved once (a bug, a burst after a partition)
 * is back within a second, while a flood spends nearly all its time refused. Sockets already open are
 * left alone: a well-behaved runner sharing the token keeps its socket (DESIGN recommends one token
 * per runner or region, so that a flood locks out only its own token).
 */
import type { Clock } from '../../shared/clock.ts';

export interface FloodLockoutOptions {
  clock: Pick<Clock, 'now'>;
  /** First lockout; each strike doubles it. */
  baseMs?: number;
  maxMs?: number;
  /** Strikes are forgotten after this long without one. */
  forgetMs?: number;
}

export type LockoutState = { kind: 'open' } | { kind: 'locked'; retryAfterS: number; strikes: number };

export class FloodLockout {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #forgetMs: number;
  #strikes = 0;
  #lastStrikeAt = Number.NEGATIVE_INFINITY;
  #lockedUntil = Number.NEGATIVE_INFINITY;

  constructor({ clock, baseMs = 1_000, maxMs = 60_000, forgetMs = 10 * 60_000 }: FloodLockoutOptions) {
    this.#clock = clock;
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
    this.#forgetMs = forgetMs;
  }

  /** A socket of this token was closed for flooding. */
  strike(): void {
    const now = this.#clock.now();
    if (now - this.#lastStrikeAt > this.#forgetMs) this.#strikes = 0;
    this.#strikes += 1;
    this.#lastStrikeAt = now;
    const lockMs = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(this.#strikes - 1, 30));
    this.#lockedUntil = Math.max(this.#lockedUntil, now + lockMs);
  }

  /** Whether a new socket may be opened now. */
  state(): LockoutState {
    const left = this.#lockedUntil - this.#clock.now();
    if (left <= 0) return { kind: 'open' };
    return { kind: 'locked', retryAfterS: Math.ceil(left / 1000), strikes: this.#strikes };
  }
}
