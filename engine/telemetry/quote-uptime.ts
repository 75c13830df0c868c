/**
 * Time with a bid and an ask both resting, integrated as it happens: the engine marks each change
 * (both resting or not) and anyone may read the total up to a given time. Kept by the engine, read
 * by the telemetry recorder, so that a quoting change costs no call.
 */
export class QuoteUptime {
  #closedMs = 0;
  /** Engine time both sides have rested since (NaN when they do not). */
  #since = Number.NaN;

  /** Both sides rest (or not) from engine time `now` on. */
  set(both: boolean, now: number): void {
    if (both) {
      if (Number.isNaN(this.#since)) this.#since = now;
    } else if (!Number.isNaN(this.#since)) {
      if (now > this.#since) this.#closedMs += now - this.#since;
      this.#since = Number.NaN;
    }
  }

  /** Total ms both sides rested, up to engine time `now`. */
  totalMs(now: number): number {
    return Number.isNaN(this.#since) || !(now > this.#since) ? this.#closedMs : this.#closedMs + (now - this.#since);
  }
}
