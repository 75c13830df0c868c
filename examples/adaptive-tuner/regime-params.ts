/**
 * What each regime means for the params document: the keys the tuner owns and their values. It
 * PATCHes only these keys, so every other knob stays under the operators' control.
 */
import type { ParamsInput } from '../../shared/index.ts';
import type { Regime } from './decide-regime.ts';

export type RegimeParams = Record<Regime, ParamsInput>;

export const DEFAULT_REGIME_PARAMS: RegimeParams = {
  calm: { base_half_spread_bps: 5, order_size: 0.3 },
  // Wider quotes and smaller clips: volatility raises the cost of being picked off.
  volatile: { base_half_spread_bps: 12, order_size: 0.1 },
};

/** The keys of `target` whose value differs in `current`: the merge patch still to send. */
export function patchToward(current: Record<string, unknown>, target: ParamsInput): ParamsInput {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) if (current[key] !== value) patch[key] = value;
  return patch as ParamsInput;
}

/** The regime a params document is in: `volatile` when it holds the volatile values, else `calm`. */
export function regimeOfParams(current: Record<string, unknown>, regimes: RegimeParams = DEFAULT_REGIME_PARAMS): Regime {
  return Object.keys(patchToward(current, regimes.volatile)).length === 0 ? 'volatile' : 'calm';
}

/** "base_half_spread_bps 5 → 12, order_size 0.3 → 0.1" for the audit message. */
export function describePatch(current: Record<string, unknown>, patch: ParamsInput): string {
  return Object.entries(patch)
    .map(([k, v]) => `${k} ${String(current[k])} → ${String(v)}`)
    .join(', ');
}
