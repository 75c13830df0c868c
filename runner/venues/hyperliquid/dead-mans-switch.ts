/**
 * The dead-man's switch on Hyperliquid: `scheduleCancel` with a time `horizonMs` ahead, pushed
 * forward on every `refresh()` while `armable()` holds. When the refreshes stop — the process died,
 * hung, or decided it is not healthy — the exchange cancels every open order of the account at the
 * last time it was given. The exchange wants the time at least 5 s ahead and counts only the times
 * the switch fires (a daily limit), not the refreshes.
 */
import type { Clock } from '../../../shared/clock.ts';
import { scheduleCancelAction } from '../../../engine/venue/hyperliquid/order-wire.ts';
import type { HyperliquidApi } from './hyperliquid-api.ts';

export const DEAD_MAN_MS = 30_000;
export const DEAD_MAN_REFRESH_MS = 10_000;

export interface DeadMansSwitchStatus {
  /** When the exchange would cancel everything, ms since the epoch (null: never armed). */
  armed_until: number | null;
  refreshes: number;
  failures: number;
}

export class DeadMansSwitch {
  #api: HyperliquidApi;
  #clock: Pick<Clock, 'now'>;
  #horizonMs: number;
  #armable: () => boolean;
  #onError: (error: unknown) => void;
  #status: DeadMansSwitchStatus = { armed_until: null, refreshes: 0, failures: 0 };

  constructor(options: {
    api: HyperliquidApi;
    clock: Pick<Clock, 'now'>;
    horizonMs?: number | undefined;
    armable: () => boolean;
    onError: (error: unknown) => void;
  }) {
    this.#api = options.api;
    this.#clock = options.clock;
    this.#horizonMs = options.horizonMs ?? DEAD_MAN_MS;
    this.#armable = options.armable;
    this.#onError = options.onError;
  }

  /** Pushes the cancel time ahead, unless the runner should not be trusted to keep quoting. */
  async refresh(): Promise<void> {
    if (!this.#armable()) return;
    const until = this.#clock.now() + this.#horizonMs;
    try {
      const answer = await this.#api.exchange(scheduleCancelAction(until), 'schedule');
      if (answer.status === 'err') throw new Error(answer.response);
      this.#status.armed_until = until;
      this.#status.refreshes++;
    } catch (error) {
      this.#status.failures++;
      this.#onError(error);
    }
  }

  status(): DeadMansSwitchStatus {
    return { ...this.#status };
  }
}
