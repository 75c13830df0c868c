import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { checkAgainstPolicy } from '../../../shared/policy-check.ts';
import { policyEtagFor, policyVersionFromEtag } from '../../../shared/policy-etag.ts';
import { DEFAULT_POLICY, PolicyWriteBodySchema, SetPolicySchema } from '../../../shared/policy-schema.ts';

const KEY = 'A'.repeat(42) + 'E';
const params = (over: Partial<Params>): Params => ({ ...DEFAULT_PARAMS, ...over });

describe('the set policy schema', () => {
  it('has finite defaults that hold the default params', () => {
    expect(DEFAULT_POLICY).toEqual({
      max_order_size: 10,
      max_max_position: 100,
      max_step_ratio: 5,
      signatures: 'optional',
      keys: [],
      threshold: 1,
    });
    expect(checkAgainstPolicy(DEFAULT_POLICY, undefined, DEFAULT_PARAMS, undefined)).toEqual({ ok: true, forced: false });
  });

  it('refuses caps that are not finite, positive and at most 1e12, and a step ratio ≤ 1', () => {
    for (const body of [
      { max_order_size: 1e308 },
      { max_order_size: 0 },
      { max_max_position: -1 },
      { max_step_ratio: 1 },
      { max_step_ratio: 1e6 },
      { threshold: 0 },
      { signatures: 'sometimes' },
      { unknown_cap: 1 },
    ])
      expect(SetPolicySchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });

  it('validates keys and threshold: unique names, base64url of 32 bytes, threshold ≤ keys, keys when required', () => {
    expect(SetPolicySchema.safeParse({ keys: [{ name: 'alice', public_key: KEY }] }).success).toBe(true);
    expect(SetPolicySchema.safeParse({ keys: [{ name: 'alice', public_key: 'short' }] }).success).toBe(false);
    expect(
      SetPolicySchema.safeParse({
        keys: [
          { name: 'alice', public_key: KEY },
          { name: 'alice', public_key: KEY },
        ],
      }).success,
    ).toBe(false);
    expect(SetPolicySchema.safeParse({ keys: [{ name: 'alice', public_key: KEY }], threshold: 2 }).success).toBe(false);
    expect(SetPolicySchema.safeParse({ signatures: 'required' }).success).toBe(false);
    expect(SetPolicySchema.safeParse({ signatures: 'required', keys: [{ name: 'alice', public_key: KEY }] }).success).toBe(true);
  });

  it('takes a write body with its message, and refuses one without', () => {
    expect(PolicyWriteBodySchema.safeParse({ max_order_size: 2, message: 'tighter' }).success).toBe(true);
    expect(PolicyWriteBodySchema.safeParse({ max_order_size: 2 }).success).toBe(false);
  });

  it('has its own entity tags, never a params tag', () => {
    expect(policyEtagFor('hype-perp', 3)).toBe('"hype-perp.policy.v3"');
    expect(policyVersionFromEtag('hype-perp', '"hype-perp.policy.v0"')).toBe(0);
    expect(policyVersionFromEtag('hype-perp', '"hype-perp.v3"')).toBeUndefined();
    expect(policyVersionFromEtag('other', '"hype-perp.policy.v3"')).toBeUndefined();
    expect(policyVersionFromEtag('hype-perp', 'W/"hype-perp.policy.v3"')).toBeUndefined();
  });
});

describe('a write against the policy', () => {
  it('refuses 1e308 by the caps, even forced, naming field, value and cap', () => {
    const after = params({ order_size: 1e308, max_position: 1e308 });
    const result = checkAgainstPolicy(DEFAULT_POLICY, DEFAULT_PARAMS, after, { message: 'I mean it' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.forceable).toBe(false);
    expect(result.issues.map((i) => i.field)).toEqual(['order_size', 'max_position']);
    expect(result.issues[0]!.message).toContain('order_size = 1e+308');
    expect(result.issues[0]!.message).toContain('max_order_size = 10');
    expect(result.issues[1]!.message).toContain('max_max_position = 100');
  });

  it('refuses a step beyond max_step_ratio unless forced, in both directions', () => {
    const up = checkAgainstPolicy(DEFAULT_POLICY, DEFAULT_PARAMS, params({ order_size: 3 }), undefined);
    expect(up.ok).toBe(false);
    if (up.ok) return;
    expect(up.forceable).toBe(true);
    expect(up.issues[0]).toMatchObject({ field: 'order_size', value: 3 });
    expect(up.issues[0]!.message).toContain('10× step from 0.3');
    expect(up.issues[0]!.expected).toContain('from 0.06 to 1.5');
    expect(checkAgainstPolicy(DEFAULT_POLICY, DEFAULT_PARAMS, params({ max_position: 0.3 }), undefined).ok).toBe(false);
    expect(checkAgainstPolicy(DEFAULT_POLICY, DEFAULT_PARAMS, params({ order_size: 3 }), { message: 'new market' })).toEqual({
      ok: true,
      forced: true,
    });
  });

  it('allows a step of exactly max_step_ratio despite floating point (0.3 → 1.5 is 5.000000000000001)', () => {
    expect(checkAgainstPolicy(DEFAULT_POLICY, DEFAULT_PARAMS, params({ order_size: 1.5 }), undefined).ok).toBe(true);
  });

  it('judges only the sizes a write changes: a kill switch passes on a head above a lowered cap', () => {
    const head = params({ order_size: 8, max_position: 90 });
    const lowered = { ...DEFAULT_POLICY, max_order_size: 1, max_max_position: 5 };
    expect(checkAgainstPolicy(lowered, head, { ...head, trading_mode: 'halted' }, undefined).ok).toBe(true);
    expect(checkAgainstPolicy(lowered, head, { ...head, order_size: 7 }, undefined).ok).toBe(false);
  });

  it('applies caps but no step limit to the first version', () => {
    expect(checkAgainstPolicy(DEFAULT_POLICY, undefined, params({ order_size: 9, max_position: 90 }), undefined).ok).toBe(true);
    expect(checkAgainstPolicy(DEFAULT_POLICY, undefined, params({ order_size: 11, max_position: 90 }), undefined).ok).toBe(false);
  });
});
