/**
 * Rollup rows into the groups of a `perf` answer: per version, region or runner, their totals, and
 * with a bucket size their time series (a point per bucket that has data, oldest first). Pure: the
 * hub reads the rows, this sums them.
 */
import type { PerfGroup, PerfGrouping } from '../../shared/perf.ts';
import type { RollupRow } from './rollup-row.ts';
import { perfMetricsOf } from './perf-metrics.ts';
import { addSums, type InventoryFigures, mergeInventory, type RollupSums, zeroSums } from './rollup-sums.ts';

/** Sums of many rows, with each runner's inventory kept apart (positions of runners add up). */
class Accumulator {
  readonly sums: RollupSums = zeroSums();
  readonly #inventory = new Map<string, InventoryFigures>();

  add(row: RollupRow): void {
    addSums(this.sums, row.sums);
    if (row.inventory === null) return;
    const merged = mergeInventory(this.#inventory.get(row.runner) ?? null, row.inventory);
    if (merged !== null) this.#inventory.set(row.runner, merged);
  }

  inventory(): { last: number; min: number; max: number } | null {
    if (this.#inventory.size === 0) return null;
    let last = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const figures of this.#inventory.values()) {
      last += figures.last;
      min = Math.min(min, figures.min);
      max = Math.max(max, figures.max);
    }
    return { last, min, max };
  }
}

function groupKey(row: RollupRow, by: PerfGrouping): string {
  switch (by) {
    case 'version':
      return String(row.version);
    case 'region':
      return row.region;
    case 'runner':
      return row.runner;
  }
}

/** Versions in numeric order; regions and runners by name. */
function compareKeys(by: PerfGrouping) {
  return (a: string, b: string) => (by === 'version' ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
}

function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/**
 * `bucketMs` null: totals only. A row longer than the bucket (an hourly row in 1-minute buckets)
 * lands in the bucket its start falls in; the routes refuse such a mix (`perf-routes.ts`).
 */
export function perfGroups(rows: readonly RollupRow[], by: PerfGrouping, bucketMs: number | null): PerfGroup[] {
  const totals = new Map<string, Accumulator>();
  const series = new Map<string, Map<number, Accumulator>>();
  for (const row of rows) {
    const key = groupKey(row, by);
    entry(totals, key, () => new Accumulator()).add(row);
    if (bucketMs === null) continue;
    const at = Math.floor(row.bucket / bucketMs) * bucketMs;
    const points = entry(series, key, () => new Map<number, Accumulator>());
    entry(points, at, () => new Accumulator()).add(row);
  }
  return [...totals.keys()].sort(compareKeys(by)).map((key) => {
    const total = totals.get(key)!;
    const group: PerfGroup = { key, metrics: perfMetricsOf(total.sums, total.inventory()) };
    if (bucketMs !== null)
      group.series = [...(series.get(key) ?? new Map<number, Accumulator>()).entries()]
        .sort(([a], [b]) => a - b)
        .map(([at, point]) => ({ at: new Date(at).toISOString(), metrics: perfMetricsOf(point.sums, point.inventory()) }));
    return group;
  });
}
