/**
 * When the hub's in-memory tables (fleet entries, telemetry rollups) are written to SQLite: at most
 * once per `fleetFlushMs` of the hub's clock, the pending flush taking everything changed meanwhile.
 * A flood of reports then costs a few writes a second, not one per message.
 */
import type { HubPorts } from './hub-ports.ts';

export class FlushThrottle {
  readonly #hub: Pick<HubPorts, 'clock' | 'config'>;
  readonly #flush: () => void;
  #pending: Promise<void> | undefined;
  #lastFlushAt = Number.NEGATIVE_INFINITY;

  /** `flush` writes what is pending (and calls `flushed`); the hub's clock and config are read at each call. */
  constructor(hub: Pick<HubPorts, 'clock' | 'config'>, flush: () => void) {
    this.#hub = hub;
    this.#flush = flush;
  }

  /** The owner wrote (on schedule or because a read wanted it): the next flush waits from now. */
  flushed(): void {
    this.#lastFlushAt = this.#hub.clock.now();
  }

  /** A flush is due: one is scheduled unless one is pending already. */
  schedule(): void {
    if (this.#pending !== undefined) return;
    const { clock, config } = this.#hub;
    const delay = Math.max(0, this.#lastFlushAt + config.fleetFlushMs - clock.now());
    this.#pending = clock.sleep(delay).then(
      () => {
        this.#pending = undefined;
        this.#flush();
      },
      () => {
        this.#pending = undefined;
      },
    );
  }
}
