/**
 * The table of tunable parameters: one row per key of the params document, with its default, its
 * accepted range and a one-line meaning. `params-schema.ts` builds the zod schema from this table,
 * and validation errors, the dashboard and the CLI read their ranges from it, so a range is written
 * down exactly once.
 */
import { TRADING_MODES } from './enums.ts';

/** A numeric parameter's accepted interval. `min`/`max` absent means unbounded on that side. */
export interface NumericRange {
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly maxExclusive?: boolean;
}

export interface NumericParamSpec {
  readonly kind: 'number';
  readonly default: number;
  readonly range: NumericRange;
  /** The first seven keys are the original bot's tuning parameters (docs/STRATEGY.md). */
  readonly seed: boolean;
  readonly description: string;
}

export interface EnumParamSpec<V extends string = string> {
  readonly kind: 'enum';
  readonly default: V;
  readonly values: readonly V[];
  readonly seed: false;
  readonly description: string;
}

export type ParamSpec = NumericParamSpec | EnumParamSpec;

// Written once in enums.ts; re-exported because the table is where readers look for it.
export { TRADING_MODES, type TradingMode } from './enums.ts';

export const PARAM_SPECS = {
  skew_adjustment_factor: {
    kind: 'number',
    default: 0.5,
    range: { min: 0, max: 2 },
    seed: true,
    description: 'How far inventory shifts both quotes (long → cheaper ask, lower bid), in units of the base half-spread.',
  },
  adverse_selection_adjustment_factor: {
    kind: 'number',
    default: 0.5,
    range: { min: 0, max: 2 },
    seed: true,
    description: 'How much the adverse-selection estimate widens the side that informed flow would hit.',
  },
  adverse_selection_lambda: {
    kind: 'number',
    default: 0.1,
    range: { min: 0, max: 1 },
    seed: true,
    description: 'Smoothing weight of each book update in the adverse-selection estimate (higher reacts faster).',
  },
  inventory_urgency_threshold: {
    kind: 'number',
    default: 0.7,
    range: { min: 0, max: 1 },
    seed: true,
    description: 'Taker liquidation starts when (|Q|/max_position)^3 exceeds this value.',
  },
  liquidation_rate_multiplier: {
    kind: 'number',
    default: 10,
    range: { min: 0, max: 100 },
    seed: true,
    description: 'Taker liquidation rate (base units/s) per unit of urgency above the threshold.',
  },
  min_spread_base_ratio: {
    kind: 'number',
    default: 0.2,
    range: { min: 0, max: 1 },
    seed: true,
    description: "Floor of each side's offset, as a fraction of the base half-spread.",
  },
  adverse_selection_spread_scale: {
    kind: 'number',
    default: 100,
    range: { min: 0, minExclusive: true },
    seed: true,
    description: 'Market spread (bps) at which the imbalance signal is damped by half.',
  },
  base_half_spread_bps: {
    kind: 'number',
    default: 5,
    range: { min: 0, minExclusive: true, max: 1000 },
    seed: false,
    description: 'Per-side quote offset from mid, in basis points, before any adjustment.',
  },
  order_size: {
    kind: 'number',
    default: 0.3,
    range: { min: 0, minExclusive: true },
    seed: false,
    description: 'Size of each maker quote, in base units.',
  },
  max_position: {
    kind: 'number',
    default: 3,
    range: { min: 0, minExclusive: true },
    seed: false,
    description: 'Inventory limit |Q| in base units; quotes never let it be exceeded.',
  },
  requote_threshold_bps: {
    kind: 'number',
    // Chosen from a sweep (docs/STRATEGY.md, "Choosing requote_threshold_bps"): below the default
    // half-spread of 5 bps (spec repair 11), the best mean Sharpe over calm, volatile and toxic.
    default: 2,
    range: { min: 0, max: 1000 },
    seed: false,
    description: 'A resting quote is replaced only when its ideal price moved more than this many bps.',
  },
  trading_mode: {
    kind: 'enum',
    default: 'active',
    values: TRADING_MODES,
    seed: false,
    description:
      'active: quote both sides; reduce_only: only the side that reduces |Q|; halted: cancel everything (kill switch).',
  },
} as const satisfies Record<string, ParamSpec>;

export type ParamKey = keyof typeof PARAM_SPECS;
export const PARAM_KEYS = Object.keys(PARAM_SPECS) as ParamKey[];
export const SEED_PARAM_KEYS = PARAM_KEYS.filter((k) => PARAM_SPECS[k].seed);

/** "a finite number in [0, 2]", "a finite number > 0", "one of active | reduce_only | halted". */
export function describeAccepted(spec: ParamSpec): string {
  if (spec.kind === 'enum') return `one of ${spec.values.map((v) => `"${v}"`).join(' | ')}`;
  const { min, max, minExclusive, maxExclusive } = spec.range;
  if (min !== undefined && max !== undefined) {
    return `a finite number in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  }
  if (min !== undefined) return `a finite number ${minExclusive ? '>' : '≥'} ${min}`;
  if (max !== undefined) return `a finite number ${maxExclusive ? '<' : '≤'} ${max}`;
  return 'a finite number';
}
