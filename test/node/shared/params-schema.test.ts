import { describe, expect, it } from 'vitest';
import { PARAM_KEYS, PARAM_SPECS, SEED_PARAM_KEYS, describeAccepted, type ParamKey } from '../../../shared/param-specs.ts';
import { DEFAULT_PARAMS, ParamsSchema } from '../../../shared/params-schema.ts';
import { ParamsValidationError, parseParams, suggestKey, validateParams } from '../../../shared/validate-params.ts';

function issuesFor(input: unknown) {
  const result = validateParams(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.issues;
}

const numericKeys = PARAM_KEYS.filter((k) => PARAM_SPECS[k].kind === 'number') as Exclude<ParamKey, 'trading_mode'>[];

describe('params defaults', () => {
  it('fills every key with the default of DESIGN.md', () => {
    expect(ParamsSchema.parse({})).toEqual({
      skew_adjustment_factor: 0.5,
      adverse_selection_adjustment_factor: 0.5,
      adverse_selection_lambda: 0.1,
      inventory_urgency_threshold: 0.7,
      liquidation_rate_multiplier: 10,
      min_spread_base_ratio: 0.2,
      adverse_selection_spread_scale: 100,
      base_half_spread_bps: 5,
      order_size: 0.3,
      max_position: 3,
      requote_threshold_bps: 2,
      trading_mode: 'active',
    });
    expect(DEFAULT_PARAMS).toEqual(ParamsSchema.parse({}));
  });

  it('accepts a seed-only document (the seven original keys) and defaults the rest', () => {
    const seed = {
      skew_adjustment_factor: 1,
      adverse_selection_adjustment_factor: 0.3,
      adverse_selection_lambda: 0.2,
      inventory_urgency_threshold: 0.5,
      liquidation_rate_multiplier: 20,
      min_spread_base_ratio: 0.1,
      adverse_selection_spread_scale: 50,
    };
    expect(Object.keys(seed).sort()).toEqual([...SEED_PARAM_KEYS].sort());
    const parsed = parseParams(seed);
    expect(parsed).toMatchObject(seed);
    expect(parsed.order_size).toBe(0.3);
    expect(parsed.trading_mode).toBe('active');
  });
});

/** One key at a value; the other size keeps `order_size ≤ max_position` out of the way. */
function alone(key: string, value: number): Record<string, number> {
  if (key === 'order_size') return { order_size: value, max_position: 1e300 };
  if (key === 'max_position') return { max_position: value, order_size: Number.MIN_VALUE };
  return { [key]: value };
}

describe('ranges', () => {
  for (const key of numericKeys) {
    const spec = PARAM_SPECS[key];
    const { min, max, minExclusive, maxExclusive } = spec.range as {
      min?: number;
      max?: number;
      minExclusive?: boolean;
      maxExclusive?: boolean;
    };
    if (min !== undefined) {
      it(`${key}: ${minExclusive ? 'rejects' : 'accepts'} the lower bound ${min} and rejects below it`, () => {
        expect(validateParams(alone(key, min)).ok).toBe(!minExclusive);
        expect(validateParams(alone(key, min - 1e-9)).ok).toBe(false);
        expect(validateParams(alone(key, min + 1e-9)).ok).toBe(true);
      });
    }
    if (max !== undefined) {
      it(`${key}: ${maxExclusive ? 'rejects' : 'accepts'} the upper bound ${max} and rejects above it`, () => {
        expect(validateParams(alone(key, max)).ok).toBe(!maxExclusive);
        expect(validateParams(alone(key, max + 1e-9)).ok).toBe(false);
      });
    } else {
      it(`${key}: has no upper bound but must be finite`, () => {
        expect(validateParams(alone(key, 1e300)).ok).toBe(true);
        expect(validateParams(alone(key, Infinity)).ok).toBe(false);
      });
    }
  }

  it('accepts each trading mode and nothing else', () => {
    for (const mode of ['active', 'reduce_only', 'halted']) expect(validateParams({ trading_mode: mode }).ok).toBe(true);
    const [issue] = issuesFor({ trading_mode: 'paused' });
    expect(issue).toMatchObject({
      field: 'trading_mode',
      value: 'paused',
      expected: 'one of "active" | "reduce_only" | "halted"',
    });
  });
});

describe('finite numbers only', () => {
  for (const bad of [NaN, Infinity, -Infinity, '0.5', null, true, [0.5], { v: 0.5 }]) {
    it(`rejects ${String(bad)} (${typeof bad}) for a number`, () => {
      const [issue] = issuesFor({ skew_adjustment_factor: bad });
      expect(issue?.field).toBe('skew_adjustment_factor');
      expect(issue?.expected).toBe('a finite number in [0, 2]');
    });
  }
});

describe('unknown keys', () => {
  it('rejects an unknown key and suggests the closest known one', () => {
    const [issue] = issuesFor({ skew_adjustmnt_factor: 1 });
    expect(issue).toMatchObject({ field: 'skew_adjustmnt_factor', value: 1 });
    expect(issue?.message).toContain('did you mean "skew_adjustment_factor"');
    expect(suggestKey('ORDER_SIZE')).toBe('order_size');
  });

  it('lists the known keys when nothing is close', () => {
    const [issue] = issuesFor({ flux_capacitor: 1 });
    expect(issue?.expected).toContain('order_size');
    expect(suggestKey('flux_capacitor')).toBeUndefined();
  });

  it('rejects __proto__ and constructor as keys', () => {
    expect(validateParams(JSON.parse('{"__proto__": {"order_size": 1}}')).ok).toBe(false);
    expect(validateParams({ constructor: 1 }).ok).toBe(false);
  });

  it('rejects documents that are not objects', () => {
    for (const doc of [null, [], 'x', 1]) expect(issuesFor(doc)[0]?.field).toBe('(document)');
  });
});

describe('error messages', () => {
  it('name the field, the value and the accepted range', () => {
    const [issue] = issuesFor({ liquidation_rate_multiplier: 250 });
    expect(issue?.message).toBe('liquidation_rate_multiplier = 250 is not accepted: expected a finite number in [0, 100]');
  });

  it('report every offending field at once', () => {
    const issues = issuesFor({ order_size: 0, max_position: -1, base_half_spread_bps: 1001 });
    expect(issues.map((i) => i.field).sort()).toEqual(['base_half_spread_bps', 'max_position', 'order_size']);
    expect(issues.find((i) => i.field === 'base_half_spread_bps')?.expected).toBe('a finite number in (0, 1000]');
    expect(issues.find((i) => i.field === 'order_size')?.expected).toBe('a finite number > 0');
  });

  it('spell the range of every spec', () => {
    expect(describeAccepted(PARAM_SPECS.adverse_selection_spread_scale)).toBe('a finite number > 0');
    expect(describeAccepted(PARAM_SPECS.requote_threshold_bps)).toBe('a finite number in [0, 1000]');
  });

  it('parseParams throws ParamsValidationError carrying the issues', () => {
    expect(() => parseParams({ order_size: 'big' }, 'tuning_params.json')).toThrow(ParamsValidationError);
    try {
      parseParams({ order_size: 'big' }, 'tuning_params.json');
    } catch (error) {
      expect((error as ParamsValidationError).message).toBe(
        'tuning_params.json: order_size = "big" is not accepted: expected a finite number > 0',
      );
    }
  });
});
