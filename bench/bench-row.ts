/**
 * One line of the results table: a figure, its value, the baseline measured in the same run, the
 * ratio between them, the DESIGN target and whether it is met. The ratio is what survives a noisy
 * machine; the absolute value is what the target is written in.
 */

export type Unit = 'ms' | 'µs' | 'ns' | 'ops/s' | 'events/s' | 'req/s' | 'req/h' | 'MB' | 's' | '%' | '';

/** A target on the value: below (`<`, `<=`) or above (`>=`) a threshold. */
export interface Target {
  op: '<' | '<=' | '>=';
  value: number;
}

export interface BenchRow {
  bench: string;
  figure: string;
  value: number;
  unit: Unit;
  baseline: number | null;
  /** What the baseline is, e.g. "plain object read" or "Hono worker". */
  baselineLabel: string | null;
  /** value / baseline (null when there is no baseline or it is 0). */
  ratio: number | null;
  target: Target | null;
  /** null when there is no target (the row is informative). */
  met: boolean | null;
  note?: string;
}

export interface RowInput {
  figure: string;
  value: number;
  unit: Unit;
  baseline?: number | null;
  baselineLabel?: string | null;
  target?: Target | null;
  note?: string;
}

export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  switch (target.op) {
    case '<':
      return value < target.value;
    case '<=':
      return value <= target.value;
    case '>=':
      return value >= target.value;
  }
}

/** Builds a row, computing the ratio and whether the target is met. */
export function makeRow(bench: string, input: RowInput): BenchRow {
  const baseline = input.baseline ?? null;
  const target = input.target ?? null;
  const row: BenchRow = {
    bench,
    figure: input.figure,
    value: input.value,
    unit: input.unit,
    baseline,
    baselineLabel: input.baselineLabel ?? null,
    ratio: baseline !== null && baseline !== 0 && Number.isFinite(baseline) ? input.value / baseline : null,
    target,
    met: target ? meets(input.value, target) : null,
  };
  if (input.note !== undefined) row.note = input.note;
  return row;
}
