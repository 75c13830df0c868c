/**
 * The engine's trading telemetry as Prometheus metrics, labelled by `params_version` so a
 * dashboard can put one version's markouts, fills and P&L next to another's. The label is bounded:
 * only the versions the recorder keeps (the current one and a few whose orders may still fill) have
 * label sets; an older version's series are removed at the next scrape, so a runner that lives
 * through a thousand swaps exports a handful of series, not a thousand. Params with no edge version
 * (a file, the defaults) are labelled `none`.
 *
 * Counters and gauges are read from the recorder's totals at scrape time; markouts are observed
 * into histograms as the recorder takes them (a histogram cannot be rebuilt from sums).
 * docs/TELEMETRY.md says what each metric means.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ParamsVersion } from '../../engine/telemetry/engine-observer.ts';
import { MARKOUT_KEYS, type MarkoutKey, type VersionTelemetry } from '../../shared/telemetry.ts';

/** What the metrics read from the engine's telemetry recorder at scrape time. */
export interface TelemetrySource {
  versions(): readonly { readonly version: ParamsVersion; totals(): VersionTelemetry }[];
  readonly position: number;
  readonly droppedMarkouts: number;
}

/** Markout buckets in bps: symmetric around 0, finer near it where most fills land. */
export const MARKOUT_BUCKETS_BPS = [-50, -20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 50];

export const versionLabel = (version: ParamsVersion): string => (version === null ? 'none' : String(version));

export interface TelemetryMetrics {
  /** Records one markout as the recorder takes it. */
  observeMarkout(version: ParamsVersion, horizon: MarkoutKey, bps: number): void;
  /** Telemetry deltas a report could not deliver within the carry bound (reporter). */
  droppedDeltas: Counter;
}

export function registerTelemetryMetrics(registry: Registry, source: () => TelemetrySource | null): TelemetryMetrics {
  const registers = [registry];
  const version = ['params_version'];
  /** Label values of the versions kept now (the label bound), refreshed on each read. */
  const kept = () => {
    const s = source();
    return s === null ? [] : s.versions().map((v) => ({ label: versionLabel(v.version), totals: v.totals() }));
  };
  /** A counter whose value per version is a total the recorder keeps. */
  const totalCounter = (name: string, help: string, pick: (t: VersionTelemetry) => number) =>
    new Counter({
      name,
      help,
      labelNames: version,
      registers,
      collect() {
        this.reset(); // drops versions no longer kept
        for (const v of kept()) this.inc({ params_version: v.label }, pick(v.totals));
      },
    });

  new Counter({
    name: 'livetune_fills_total',
    help: 'Fills by the params version their order was placed under, and liquidity (maker quote or taker liquidation).',
    labelNames: ['params_version', 'liquidity'],
    registers,
    collect() {
      this.reset();
      for (const v of kept()) {
        this.inc({ params_version: v.label, liquidity: 'maker' }, v.totals.maker_fills);
        this.inc({ params_version: v.label, liquidity: 'taker' }, v.totals.taker_fills);
      }
    },
  });
  totalCounter('livetune_fill_volume_total', 'Base units filled (maker + taker) by params version.', (t) => t.volume);
  totalCounter('livetune_orders_total', 'Orders placed by params version.', (t) => t.orders);
  totalCounter('livetune_cancels_total', 'Cancels sent, by the version their order was placed under.', (t) => t.cancels);
  totalCounter('livetune_rejects_total', 'Orders the venue rejected, by the version they were placed under.', (t) => t.rejects);
  totalCounter('livetune_version_seconds_total', 'Seconds each params version was in force.', (t) => t.elapsed_s);
  totalCounter(
    'livetune_quoted_seconds_total',
    'Seconds with both a bid and an ask resting, by params version in force.',
    (t) => t.quoted_s,
  );
  new Gauge({
    name: 'livetune_quote_uptime_ratio',
    help: 'Share of the time a version was in force with both sides quoted (quoted / in force).',
    labelNames: version,
    registers,
    collect() {
      this.reset();
      for (const v of kept())
        if (v.totals.elapsed_s > 0) this.set({ params_version: v.label }, v.totals.quoted_s / v.totals.elapsed_s);
    },
  });
  new Gauge({
    name: 'livetune_pnl',
    help: 'P&L since start in quote currency by params version and part (spread, inventory, fees, taker); the parts add up to the total.',
    labelNames: ['params_version', 'part'],
    registers,
    collect() {
      this.reset();
      for (const v of kept())
        for (const part of ['spread', 'inventory', 'fees', 'taker'] as const)
          this.set({ params_version: v.label, part }, v.totals.pnl[part]);
    },
  });
  new Gauge({
    name: 'livetune_realized_spread_bps',
    help: 'Mean realized spread of maker fills in bps (fill price against the mid just before it), by params version.',
    labelNames: version,
    registers,
    collect() {
      this.reset();
      for (const v of kept()) {
        const { n, sum } = v.totals.realized_spread_bps;
        if (n > 0) this.set({ params_version: v.label }, sum / n);
      }
    },
  });
  new Gauge({
    name: 'livetune_inventory',
    help: 'Position in base units (positive long).',
    registers,
    collect() {
      const s = source();
      if (s !== null) this.set(s.position);
    },
  });
  new Counter({
    name: 'livetune_telemetry_dropped_total',
    help: 'Markouts dropped because too many fills waited for a horizon (a stalled clock).',
    registers,
    collect() {
      this.reset();
      this.inc(source()?.droppedMarkouts ?? 0);
    },
  });
  const droppedDeltas = new Counter({
    name: 'livetune_telemetry_deltas_dropped_total',
    help: 'Telemetry deltas the edge did not take within the carry bound (logged when it happens).',
    registers,
  });

  /** Versions with histogram series, to remove those the recorder no longer keeps. */
  const observed = new Set<string>();
  const markouts = new Histogram({
    name: 'livetune_markout_bps',
    help: 'Markouts of maker fills in bps (mid at the horizon against the fill price, positive is good for us), by params version and horizon.',
    labelNames: ['params_version', 'horizon'],
    buckets: MARKOUT_BUCKETS_BPS,
    registers,
    collect() {
      const live = new Set(kept().map((v) => v.label));
      for (const label of observed) {
        if (live.has(label)) continue;
        for (const horizon of MARKOUT_KEYS) this.remove({ params_version: label, horizon });
        observed.delete(label);
      }
    },
  });
  return {
    observeMarkout(version, horizon, bps) {
      const label = versionLabel(version);
      observed.add(label);
      markouts.observe({ params_version: label, horizon }, bps);
    },
    droppedDeltas,
  };
}
