/**
 * Hyperliquid's two rate limits, tracked on our side so we slow down before the exchange throttles
 * (docs: "Rate limits and user limits"):
 * - per IP: 1200 weight per rolling minute; an exchange action weighs 1 + floor(batch / 40), the
 *   light info requests (`l2Book`, `clearinghouseState`, `orderStatus`, …) 2, most others 20;
 * - per address: a request budget that grows with traded volume (1 per 1 USDC, 10,000 to start),
 *   read from `userRateLimit` (`nRequestsUsed` / `nRequestsCap`) and counted locally in between.
 * `allows` answers whether a request of a kind may go now: cancels and the dead-man's switch may
 * always use the reserve the quotes leave them, quotes stop first.
 */
import type { Clock } from '../../../shared/clock.ts';

export const IP_WEIGHT_PER_MINUTE = 1200;
const WINDOW_MS = 60_000;
/** Quotes stop at this share of the IP budget, info polls at 90 %; cancels may use it all. */
const QUOTE_SHARE = 0.7;
const INFO_SHARE = 0.9;
/** Address requests kept for cancels and the dead-man's switch. */
const ADDRESS_RESERVE = 50;

export type RequestKind = 'order' | 'cancel' | 'info' | 'schedule';

export interface RateSnapshot {
  ip_weight_used: number;
  ip_weight_limit: number;
  address_requests_used: number | null;
  address_requests_cap: number | null;
  /** Requests held back because the budget was near its end. */
  deferred: number;
  /** 429s the exchange answered. */
  throttled: number;
}

export function actionWeight(batchLength: number): number {
  return 1 + Math.floor(batchLength / 40);
}

export class RateBudget {
  #clock: Pick<Clock, 'now'>;
  /** (time, weight) of the requests of the last minute, oldest first. */
  #spent: { at: number; weight: number }[] = [];
  #windowWeight = 0;
  #addressUsed: number | null = null;
  #addressCap: number | null = null;
  deferred = 0;
  throttled = 0;
  /** No request but cancels before this time (after a 429). */
  #coolUntil = 0;

  constructor(clock: Pick<Clock, 'now'>) {
    this.#clock = clock;
  }

  #expire(now: number): void {
    while (this.#spent.length > 0 && this.#spent[0]!.at <= now - WINDOW_MS) this.#windowWeight -= this.#spent.shift()!.weight;
  }

  allows(kind: RequestKind, weight: number): boolean {
    const now = this.#clock.now();
    this.#expire(now);
    const after = this.#windowWeight + weight;
    let ok: boolean;
    if (kind === 'cancel' || kind === 'schedule') ok = after <= IP_WEIGHT_PER_MINUTE;
    else if (now < this.#coolUntil) ok = false;
    else if (kind === 'info') ok = after <= IP_WEIGHT_PER_MINUTE * INFO_SHARE;
    else
      ok =
        after <= IP_WEIGHT_PER_MINUTE * QUOTE_SHARE &&
        (this.#addressCap === null || (this.#addressUsed ?? 0) + 1 <= this.#addressCap - ADDRESS_RESERVE);
    if (!ok) this.deferred++;
    return ok;
  }

  spend(kind: RequestKind, weight: number): void {
    const now = this.#clock.now();
    this.#spent.push({ at: now, weight });
    this.#windowWeight += weight;
    if (kind !== 'info' && this.#addressUsed !== null) this.#addressUsed++;
  }

  /** The exchange said 429: nothing but cancels for `ms`. */
  onThrottled(ms: number): void {
    this.throttled++;
    this.#coolUntil = Math.max(this.#coolUntil, this.#clock.now() + ms);
  }

  /** `userRateLimit`'s figures. */
  setAddressBudget(used: number, cap: number): void {
    this.#addressUsed = used;
    this.#addressCap = cap;
  }

  snapshot(): RateSnapshot {
    this.#expire(this.#clock.now());
    return {
      ip_weight_used: this.#windowWeight,
      ip_weight_limit: IP_WEIGHT_PER_MINUTE,
      address_requests_used: this.#addressUsed,
      address_requests_cap: this.#addressCap,
      deferred: this.deferred,
      throttled: this.throttled,
    };
  }
}
