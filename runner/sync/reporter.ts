/**
 * Reports to the edge (`POST …/runners/:id/report`): what this runner applied or rejected, its
 * sync state and a few trading figures. Sent at once after each apply or rejection (`nudge`) and
 * every `heartbeatMs` otherwise, one at a time so reports never arrive out of order; a final one
 * is flushed at shutdown. Every report names the heartbeat (the edge calls a runner `silent` after
 * two without news), and the final one says goodbye (the edge calls it `stopped`, not `silent`). A failed report is logged and counted, never retried in a tight loop:
 * the next heartbeat carries the same facts.
 *
 * Each report also carries the trading telemetry since the previous delivered one: a delta whose
 * report failed is merged into the next (telemetry-carry.ts, bounded), so a blip loses no fill.
 */
import type { Logger } from 'pino';
import type { EdgeClient } from '../../client/edge-client.ts';
import { edgeErrorFromThrown } from '../../client/edge-errors.ts';
import type { RunnerReport } from '../../shared/api.ts';
import type { Clock } from '../../shared/clock.ts';
import type { TelemetryDelta } from '../../shared/telemetry.ts';
import { TelemetryCarry } from './telemetry-carry.ts';

export interface ReporterOptions {
  edge: Pick<EdgeClient, 'postReport'>;
  set: string;
  runnerId: string;
  build: () => RunnerReport;
  clock: Clock;
  heartbeatMs: number;
  logger: Logger;
  timeoutMs?: number;
  /** Deadline of the last report at shutdown, ms (default 2 s): well inside the shutdown deadline. */
  finalTimeoutMs?: number;
  onFailure?: (reason: string) => void;
  /** False while reports are pointless (the edge refused the token): nothing is sent. */
  enabled?: () => boolean;
  /** Takes the telemetry delta since the previous call (the engine's recorder); none when absent. */
  telemetry?: () => TelemetryDelta | null;
  /** How long undelivered telemetry is carried into later reports before it is dropped (default 1 h). */
  maxTelemetryCarryMs?: number;
  /** Telemetry given up after the carry bound (counted on /metrics; the reporter logs it). */
  onTelemetryDropped?: () => void;
}

export class Reporter {
  readonly #o: ReporterOptions;
  #abort = new AbortController();
  #wake: (() => void) | null = null;
  #nudged = false;
  #running: Promise<void> | null = null;
  #inFlight: Promise<void> = Promise.resolve();
  readonly #carry: TelemetryCarry;
  /** Reports sent successfully (status, tests). */
  sent = 0;

  constructor(options: ReporterOptions) {
    this.#o = options;
    this.#carry = new TelemetryCarry({
      maxCarryMs: options.maxTelemetryCarryMs,
      onDropped: (delta, reason) => {
        options.onTelemetryDropped?.();
        options.logger.warn(
          { from: delta.from, to: delta.to, versions: delta.versions.map((v) => v.params_version) },
          `telemetry not delivered to the edge, dropped: ${reason}`,
        );
      },
    });
  }

  start(): void {
    this.#running ??= this.#loop(this.#abort.signal);
  }

  /** Send a report now (after the current one), e.g. right after an apply or a rejection. */
  nudge(): void {
    this.#nudged = true;
    this.#wake?.();
  }

  /** Stops the heartbeat and sends one last report; never throws. */
  async stop({ final = true }: { final?: boolean } = {}): Promise<void> {
    this.#abort.abort();
    this.#wake?.();
    await this.#running;
    await this.#inFlight;
    if (final) await this.#send({ timeoutMs: this.#o.finalTimeoutMs ?? 2_000, goodbye: true });
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { clock, heartbeatMs } = this.#o;
    while (!signal.aborted) {
      this.#nudged = false;
      this.#inFlight = this.#send();
      await this.#inFlight;
      if (signal.aborted || this.#nudged) continue;
      await new Promise<void>((resolve) => {
        const stopTimer = new AbortController();
        this.#wake = () => {
          stopTimer.abort();
          resolve();
        };
        clock.sleep(heartbeatMs, stopTimer.signal).then(resolve, () => {});
      });
      this.#wake = null;
    }
  }

  async #send({
    timeoutMs = this.#o.timeoutMs ?? 10_000,
    goodbye = false,
  }: {
    timeoutMs?: number;
    goodbye?: boolean;
  } = {}): Promise<void> {
    const { edge, set, runnerId, build, heartbeatMs, logger, enabled = () => true, telemetry } = this.#o;
    if (!enabled()) return;
    try {
      const fresh = telemetry?.() ?? null;
      const delta = fresh === null ? this.#carry.pending : this.#carry.next(fresh);
      const report: RunnerReport = {
        ...build(),
        heartbeat_s: heartbeatMs / 1000,
        ...(goodbye ? { goodbye: true } : {}),
        ...(delta !== null ? { telemetry: delta } : {}),
      };
      await edge.postReport(set, runnerId, report, { timeoutMs });
      this.#carry.delivered();
      this.sent += 1;
    } catch (error) {
      const edgeError = edgeErrorFromThrown(error, 'report');
      this.#o.onFailure?.('report');
      logger.warn({ err_kind: edgeError.kind, status: edgeError.status }, `report to the edge failed: ${edgeError.message}`);
    }
  }
}
