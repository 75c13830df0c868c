/**
 * Drives a telemetry recorder the way the quoting engine does, without a strategy: a book moves the
 * mid and, when it reaches the recorder's `nextDue`, hands it the mids before and after (the first
 * book is the first decision, where the engine tells `onParams`); quoting
 * changes are kept in the engine's own `QuoteUptime`, which the recorder reads. For tests that
 * script prices and fills exactly.
 */
import type { TelemetryRecorder } from '../../../engine/telemetry/telemetry-recorder.ts';
import { QuoteUptime } from '../../../engine/telemetry/quote-uptime.ts';

export class EngineDriver {
  mid = Number.NaN;
  readonly uptime = new QuoteUptime();
  readonly recorder: TelemetryRecorder;

  constructor(recorder: TelemetryRecorder) {
    this.recorder = recorder;
    recorder.attach({ mid: () => this.mid, quotedMs: (now) => this.uptime.totalMs(now) });
  }

  #decided = false;

  /** A book at `now` whose mid is `mid` (the first is the engine's first decision: `onParams`). */
  book(now: number, mid: number): void {
    const before = this.mid;
    this.mid = mid;
    if (now >= this.recorder.nextDue) this.recorder.onDue(now, before, mid);
    if (!this.#decided) {
      this.#decided = true;
      this.recorder.onParams(now);
    }
  }

  /** Both sides rest (or not) from `now` on. */
  quoting(both: boolean, now: number): void {
    this.uptime.set(both, now);
  }
}
