/**
 * The params document schema: the single source of the rules every part of livetune applies
 * (edge on write, runner on receipt, CLI and dashboard before sending). Built from `PARAM_SPECS`.
 *
 * Rules: every key optional with its default (so a seed `tuning_params.json` holding only the seven
 * original keys loads unchanged), unknown keys rejected (a typo must not silently do nothing),
 * numbers finite (zod 4 rejects NaN and ±Infinity in `z.number()`), no strings for numbers, `-0` is
 * `0` (it never reaches storage: `0` and `-0` would otherwise differ under `Object.is` and make a
 * new, empty version), and `order_size ≤ max_position` (a quote larger than the inventory limit
 * could never be placed whole).
 *
 * `ParamsFieldsSchema` holds the per-key rules only: a merge patch is checked key by key with it
 * (its other keys are not known yet); the whole document always goes through `ParamsSchema`.
 */
import { z } from 'zod';
import { PARAM_SPECS, TRADING_MODES, type NumericParamSpec } from './param-specs.ts';

function numberSchema(spec: NumericParamSpec) {
  let schema = z.number();
  const { min, max, minExclusive, maxExclusive } = spec.range;
  if (min !== undefined) schema = minExclusive ? schema.gt(min) : schema.gte(min);
  if (max !== undefined) schema = maxExclusive ? schema.lt(max) : schema.lte(max);
  // `v + 0` turns -0 into 0 and leaves every other number as it is; `overwrite` keeps the JSON Schema.
  return schema
    .overwrite((v) => v + 0)
    .default(spec.default)
    .describe(spec.description);
}

const S = PARAM_SPECS;

export const ParamsFieldsSchema = z.strictObject({
  skew_adjustment_factor: numberSchema(S.skew_adjustment_factor),
  adverse_selection_adjustment_factor: numberSchema(S.adverse_selection_adjustment_factor),
  adverse_selection_lambda: numberSchema(S.adverse_selection_lambda),
  inventory_urgency_threshold: numberSchema(S.inventory_urgency_threshold),
  liquidation_rate_multiplier: numberSchema(S.liquidation_rate_multiplier),
  min_spread_base_ratio: numberSchema(S.min_spread_base_ratio),
  adverse_selection_spread_scale: numberSchema(S.adverse_selection_spread_scale),
  base_half_spread_bps: numberSchema(S.base_half_spread_bps),
  order_size: numberSchema(S.order_size),
  max_position: numberSchema(S.max_position),
  requote_threshold_bps: numberSchema(S.requote_threshold_bps),
  trading_mode: z.enum(TRADING_MODES).default(S.trading_mode.default).describe(S.trading_mode.description),
});

/** The field `order_size ≤ max_position` is reported on, with the words of its refusal. */
export const SIZE_RULE = {
  field: 'order_size',
  expected: (maxPosition: number) => `a finite number ≤ max_position (${maxPosition})`,
  message: (orderSize: number, maxPosition: number) =>
    `order_size = ${orderSize} is more than max_position = ${maxPosition}: expected order_size ≤ max_position`,
} as const;

export const ParamsSchema = ParamsFieldsSchema.check((ctx) => {
  const { order_size: orderSize, max_position: maxPosition } = ctx.value;
  if (orderSize > maxPosition)
    ctx.issues.push({
      code: 'custom',
      input: orderSize,
      path: [SIZE_RULE.field],
      message: SIZE_RULE.message(orderSize, maxPosition),
      params: { expected: SIZE_RULE.expected(maxPosition) },
    });
});

/** A complete, validated params document (every key present). */
export type Params = z.output<typeof ParamsSchema>;
/** What a client may send: any subset of the keys. */
export type ParamsInput = z.input<typeof ParamsSchema>;

/** The document with every key at its default. */
export const DEFAULT_PARAMS: Readonly<Params> = Object.freeze(ParamsSchema.parse({}));
