/**
 * Prometheus metrics of one runner, on a Registry of its own (not prom-client's global one), so
 * two runners in one process — or a test next to another — never share counters. Gauges that
 * depend on time (seconds since the last sync) are computed at scrape time from injected getters.
 * The trading telemetry per params version is registered by telemetry-metrics.ts.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { SyncStateSchema, type SyncState } from '../../shared/api.ts';
import { registerTelemetryMetrics, type TelemetryMetrics, type TelemetrySource } from './telemetry-metrics.ts';

export interface RunnerMetricsOptions {
  labels: { set: string; runner: string; region: string };
  /** Read at scrape time. */
  appliedVersion: () => number | null;
  secondsSinceSync: () => number | null;
  syncState: () => SyncState;
  /** The trading loop's telemetry recorder, read at scrape time (null before the loop exists). */
  telemetry?: () => TelemetrySource | null;
}

export interface RunnerMetrics {
  registry: Registry;
  swaps: Counter;
  rejections: Counter;
  syncFailures: Counter<'reason'>;
  telemetry: TelemetryMetrics;
}

export function createRunnerMetrics({
  labels,
  appliedVersion,
  secondsSinceSync,
  syncState,
  telemetry = () => null,
}: RunnerMetricsOptions): RunnerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  const registers = [registry];
  new Gauge({
    name: 'livetune_applied_version',
    help: 'Version of the params in force (0 when they have no edge version).',
    registers,
    collect() {
      this.set(appliedVersion() ?? 0);
    },
  });
  new Gauge({
    name: 'livetune_seconds_since_last_sync',
    help: 'Seconds since the edge last answered (-1 before any answer).',
    registers,
    collect() {
      this.set(secondsSinceSync() ?? -1);
    },
  });
  new Gauge({
    name: 'livetune_sync_state',
    help: 'Sync state: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
    registers,
    collect() {
      const now = syncState();
      for (const state of SyncStateSchema.options) this.set({ state }, state === now ? 1 : 0);
    },
  });
  return {
    registry,
    swaps: new Counter({ name: 'livetune_param_swaps_total', help: 'Params swapped into the quoting loop.', registers }),
    rejections: new Counter({
      name: 'livetune_param_rejections_total',
      help: 'Received params documents rejected by validation.',
      registers,
    }),
    syncFailures: new Counter({
      name: 'livetune_sync_failures_total',
      help: 'Failed sync attempts by reason.',
      labelNames: ['reason'],
      registers,
    }),
    telemetry: registerTelemetryMetrics(registry, telemetry),
  };
}
