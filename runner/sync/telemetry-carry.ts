/**
 * The telemetry a report carries, kept until the edge takes it: a delta whose report failed (edge
 * down, 5xx, refused) is merged into the next one instead of being lost, since every figure in it
 * is additive. Bounded two ways: the merge keeps at most MAX_VERSIONS_PER_DELTA versions, and a
 * delta still undelivered after `maxCarryMs` (its `from` is that old) is dropped — said through
 * `onDropped`, never silently — so one refused delta cannot poison reports for ever.
 */
import { mergeTelemetryDeltas } from '../../engine/telemetry/merge-telemetry-deltas.ts';
import type { TelemetryDelta } from '../../shared/telemetry.ts';

/** Default carry bound: an hour of telemetry waits for an edge that is down. */
export const DEFAULT_MAX_CARRY_MS = 3_600_000;

export interface TelemetryCarryOptions {
  maxCarryMs?: number;
  /** A delta (or part of one) given up: what, and why. */
  onDropped?: (delta: TelemetryDelta, reason: string) => void;
}

export class TelemetryCarry {
  readonly #maxCarryMs: number;
  readonly #onDropped: (delta: TelemetryDelta, reason: string) => void;
  #pending: TelemetryDelta | null = null;

  constructor({ maxCarryMs = DEFAULT_MAX_CARRY_MS, onDropped = () => {} }: TelemetryCarryOptions = {}) {
    this.#maxCarryMs = maxCarryMs;
    this.#onDropped = onDropped;
  }

  /** The delta to send now: what is still undelivered merged with `fresh`. */
  next(fresh: TelemetryDelta): TelemetryDelta {
    this.#pending = this.#merged(fresh);
    return this.#pending;
  }

  #merged(fresh: TelemetryDelta): TelemetryDelta {
    const carried = this.#pending;
    if (carried === null) return fresh;
    if (Date.parse(fresh.to) - Date.parse(carried.from) > this.#maxCarryMs) {
      this.#onDropped(carried, `undelivered for more than ${this.#maxCarryMs / 1000} s`);
      return fresh;
    }
    const { delta, dropped } = mergeTelemetryDeltas(carried, fresh);
    if (dropped > 0) this.#onDropped(carried, `${dropped} old version(s) left out to stay within the versions bound`);
    return delta;
  }

  /** The edge took the last delta. */
  delivered(): void {
    this.#pending = null;
  }

  /** Undelivered telemetry waiting for the next report. */
  get pending(): TelemetryDelta | null {
    return this.#pending;
  }
}
