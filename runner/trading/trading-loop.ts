/**
 * The trading loop as the runner process sees it: started once, stopped with a reason (resting
 * orders cancelled before `stop` resolves), asked for a snapshot for /status and reports.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { TelemetryRecorder, TelemetryRecorderOptions } from '../../engine/telemetry/telemetry-recorder.ts';
import type { HealthSource, ParamsSource, TradingSnapshot } from '../../engine/trading-loop-contract.ts';

export interface TradingLoop {
  start(): void;
  /** Cancels resting orders and stops; resolves when the orders are cancelled. */
  stop(reason: string): Promise<void>;
  snapshot(): TradingSnapshot;
  /** Adds the venue's own gauges (Hyperliquid: rate budget, dead-man's switch) to the runner's /metrics. */
  registerMetrics?(registry: Registry): void;
  /** The engine's live telemetry per params version (/metrics, reports); absent in test doubles. */
  readonly telemetry?: TelemetryRecorder;
}

export interface TradingLoopOptions {
  /** `version` is the version of the params `get()` returns now (null for defaults or a file). */
  params: ParamsSource & { version?: number | null; lineage?: string | null };
  health: HealthSource;
  venue: string;
  seed: number;
  logger: Logger;
  /** Each markout as the telemetry takes it (the runner's histograms). */
  onMarkout?: TelemetryRecorderOptions['onMarkout'];
}

export type TradingLoopFactory = (options: TradingLoopOptions) => TradingLoop;
