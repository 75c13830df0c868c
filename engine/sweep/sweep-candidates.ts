/**
 * The candidates of a sweep: the base params (candidate 0) and either a grid (`key=v1,v2,…`,
 * repeatable: the cartesian product) or N random draws over the ranges in `SWEEP_RANGES`. Every
 * candidate is validated by the params schema, so a sweep never runs params a set would refuse.
 */
import { PARAM_SPECS, type ParamKey } from '../../shared/param-specs.ts';
import { type Params, ParamsSchema } from '../../shared/params-schema.ts';
import { SimRandom } from '../sim/sim-random.ts';

export interface GridAxis {
  key: ParamKey;
  values: number[];
}

/** Ranges `--random` draws from: the schema's range where it is finite, a practical one where not. */
export const SWEEP_RANGES: Partial<Record<ParamKey, readonly [number, number]>> = {
  skew_adjustment_factor: [0, 2],
  adverse_selection_adjustment_factor: [0, 2],
  adverse_selection_lambda: [0.01, 1],
  inventory_urgency_threshold: [0.3, 1],
  liquidation_rate_multiplier: [0, 50],
  min_spread_base_ratio: [0, 1],
  adverse_selection_spread_scale: [10, 500],
  base_half_spread_bps: [1, 20],
  requote_threshold_bps: [0, 10],
};

const NUMERIC_KEYS = (Object.keys(PARAM_SPECS) as ParamKey[]).filter((k) => PARAM_SPECS[k].kind === 'number');

/** Parses `key=v1,v2,…`; throws naming the assignment and what is accepted. */
export function parseGridAxis(assignment: string): GridAxis {
  const eq = assignment.indexOf('=');
  const key = assignment.slice(0, eq).trim();
  if (eq < 0 || key === '')
    throw new Error(`--grid ${JSON.stringify(assignment)}: expected key=v1,v2,… e.g. requote_threshold_bps=0,1,2,5`);
  if (!(NUMERIC_KEYS as string[]).includes(key)) {
    throw new Error(`--grid ${JSON.stringify(key)}: expected a numeric parameter: ${NUMERIC_KEYS.join(', ')}`);
  }
  const values = assignment
    .slice(eq + 1)
    .split(',')
    .map((raw) => raw.trim());
  const numbers = values.map(Number);
  const bad = values.findIndex((raw, i) => raw === '' || !Number.isFinite(numbers[i]));
  if (bad >= 0 || values.length === 0) {
    throw new Error(`--grid ${key}: value ${JSON.stringify(values[bad] ?? '')} is not a finite number`);
  }
  return { key: key as ParamKey, values: numbers };
}

/** `1-8`, `1,3,5` or `7`: the seeds, in order, without repeats; throws naming what is accepted. */
export function parseSeeds(text: string, flag = '--seeds'): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (m === null) throw new Error(`${flag} ${JSON.stringify(text)}: expected whole numbers and ranges, e.g. 1-8 or 1,3,5`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from > 10_000)
      throw new Error(`${flag} ${JSON.stringify(part.trim())}: expected a range low-high of at most 10000 seeds`);
    for (let s = from; s <= to; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

function validated(params: Record<string, unknown>, label: string): Params {
  const parsed = ParamsSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`candidate ${label}: ${issue.path.join('.') || 'params'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Base first, then the cartesian product of the axes applied to the base. */
export function gridCandidates(base: Params, axes: readonly GridAxis[]): Params[] {
  let combos: Record<string, number>[] = [{}];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.key]: v })));
  const out = [base];
  for (const combo of combos) {
    if (Object.keys(combo).length === 0) continue;
    out.push(
      validated(
        { ...base, ...combo },
        Object.entries(combo)
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      ),
    );
  }
  return out;
}

/** Base first, then `n` draws (seeded: the same `seed` gives the same candidates) over `keys`. */
export function randomCandidates(
  base: Params,
  n: number,
  seed: number,
  keys: readonly ParamKey[] = Object.keys(SWEEP_RANGES) as ParamKey[],
): Params[] {
  const r = new SimRandom(seed, 99);
  const out = [base];
  while (out.length <= n) {
    const draw: Record<string, number> = {};
    for (const key of keys) {
      const [lo, hi] = SWEEP_RANGES[key] ?? [0, 1];
      draw[key] = Math.round((lo + (hi - lo) * r.uniform()) * 1000) / 1000;
    }
    const parsed = ParamsSchema.safeParse({ ...base, ...draw });
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** The keys on which a candidate differs from the base, as `key=value` (the table's label). */
export function candidateLabel(base: Params, candidate: Params): string {
  const diff = (Object.keys(candidate) as (keyof Params)[]).filter((k) => candidate[k] !== base[k]);
  return diff.length === 0 ? 'base' : diff.map((k) => `${k}=${String(candidate[k])}`).join(' ');
}

/**
 * One key at a time around `base` (`livetune sensitivity`): for each key of `keys`, its value scaled
 * by each of `factors` (a key at 0 steps by that share of its sweep range instead), clamped to the
 * sweep range, skipping values equal to the base's or refused by the schema. Base first.
 */
export function sensitivityCandidates(
  base: Params,
  factors: readonly number[] = [0.5, 0.8, 1.25, 2],
  keys: readonly ParamKey[] = Object.keys(SWEEP_RANGES) as ParamKey[],
): Params[] {
  const out = [base];
  for (const key of keys) {
    const [lo, hi] = SWEEP_RANGES[key] ?? [0, 1];
    const current = base[key] as number;
    const seen = new Set<number>([current]);
    for (const f of factors) {
      const raw = current === 0 ? (f > 1 ? (f - 1) * (hi - lo) : Number.NaN) : current * f;
      if (!Number.isFinite(raw)) continue;
      const value = Math.round(Math.min(hi, Math.max(lo, raw)) * 1e6) / 1e6;
      if (seen.has(value)) continue;
      seen.add(value);
      const parsed = ParamsSchema.safeParse({ ...base, [key]: value });
      if (parsed.success) out.push(parsed.data);
    }
  }
  return out;
}
