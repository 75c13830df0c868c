/**
 * A `perf` answer (per region, with series) as the columns a uPlot chart takes: one x column of
 * times in seconds (every bucket any region has), and per region one y column with `null` where the
 * region has no figure (uPlot draws a gap, never a made-up zero). And the version changes in the
 * window, as markers with who made them. Pure, tested without a browser.
 */
import type { PerfAnswer, PerfMetrics, VersionMark } from '../../shared/perf.ts';

/** The charts of the dashboard, and how each reads its figure from a bucket's metrics. */
export const PERF_CHARTS = {
  pnl: { title: 'P&L', unit: 'quote', figure: (m: PerfMetrics) => m.pnl.total },
  inventory: { title: 'Inventory', unit: 'base', figure: (m: PerfMetrics) => m.inventory?.last ?? null },
  markout: { title: 'Markout 5 s', unit: 'bps', figure: (m: PerfMetrics) => m.markout_bps['5s'] },
  fill_rate: { title: 'Fill rate', unit: 'fills/min', figure: (m: PerfMetrics) => m.fill_rate_per_min },
} as const;
export type PerfChart = keyof typeof PERF_CHARTS;

export interface ChartColumns {
  /** Region names, in the order of `ys`. */
  series: string[];
  /** Seconds since the epoch, ascending. */
  xs: number[];
  ys: (number | null)[][];
}

/**
 * The columns of one chart. P&L is cumulative over the window (each bucket's P&L added to the
 * previous ones), the others are the bucket's own figure.
 */
export function chartColumns(answer: PerfAnswer, chart: PerfChart): ChartColumns {
  const figure = PERF_CHARTS[chart].figure;
  const times = new Set<number>();
  for (const group of answer.groups) for (const point of group.series ?? []) times.add(Date.parse(point.at) / 1000);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = answer.groups.map((group) => {
    const column: (number | null)[] = xs.map(() => null);
    for (const point of group.series ?? []) column[index.get(Date.parse(point.at) / 1000)!] = figure(point.metrics);
    if (chart === 'pnl') {
      let total = 0;
      for (let i = 0; i < column.length; i++) {
        const value = column[i];
        if (value === null || value === undefined) continue;
        total += value;
        column[i] = total;
      }
    }
    return column;
  });
  return { series: answer.groups.map((g) => g.key), xs, ys };
}

export interface VersionMarker {
  /** Seconds since the epoch. */
  x: number;
  label: string;
  title: string;
}

/** The version changes inside the answer's window, as chart markers ("v8 · bob"). */
export function versionMarkers(answer: PerfAnswer): VersionMarker[] {
  const from = Date.parse(answer.from);
  const to = Date.parse(answer.to);
  return answer.versions
    .filter((v: VersionMark) => {
      const at = Date.parse(v.at);
      return at >= from && at <= to;
    })
    .map((v) => ({ x: Date.parse(v.at) / 1000, label: `v${v.version} · ${v.author}`, title: v.message }));
}

/** The start of the minute `iso` falls in, in ms: the first bucket of a rollout's figures. */
export const startMinute = (iso: string) => Math.floor(Date.parse(iso) / 60_000) * 60_000;

/** The charts of a rollout's canary against its control group. */
export const ROLLOUT_CHARTS = ['markout', 'pnl', 'inventory'] as const satisfies readonly PerfChart[];

/**
 * A `perf?by=version` answer narrowed to a rollout's two groups and named for them: the canary
 * runs the candidate version, the control group the version the rollout started on. Groups of
 * other versions (a rollback made at the end, a version written before) are left out.
 */
export function canaryAndControl(answer: PerfAnswer, rollout: { version: number; base: number }): PerfAnswer {
  const names = new Map([
    [String(rollout.version), `canary v${rollout.version}`],
    [String(rollout.base), `control v${rollout.base}`],
  ]);
  const groups = answer.groups
    .filter((g) => names.has(g.key))
    .map((g) => ({ ...g, key: names.get(g.key)! }))
    .sort((a, b) => a.key.localeCompare(b.key));
  return { ...answer, groups };
}
