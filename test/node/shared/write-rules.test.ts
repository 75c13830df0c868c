import { describe, expect, it } from 'vitest';
import { diffParams } from '../../../shared/merge-patch.ts';
import { DEFAULT_PARAMS, ParamsSchema } from '../../../shared/params-schema.ts';
import { nonAsciiCharacters, validateParams, validateParamsPatch } from '../../../shared/validate-params.ts';

describe('-0 is 0', () => {
  it('never comes out of the schema', () => {
    const parsed = ParamsSchema.parse({ skew_adjustment_factor: -0, requote_threshold_bps: -0 });
    expect(Object.is(parsed.skew_adjustment_factor, 0)).toBe(true);
    expect(Object.is(parsed.requote_threshold_bps, 0)).toBe(true);
  });

  it('is normalised in a patch too, and does not count as a change', () => {
    const patch = validateParamsPatch({ skew_adjustment_factor: -0 });
    expect(patch.ok && Object.is(patch.patch.skew_adjustment_factor, 0)).toBe(true);
    expect(diffParams({ a: 0 }, { a: -0 })).toEqual([]);
    expect(diffParams({ a: 0 }, { a: 1 })).toEqual([{ key: 'a', from: 0, to: 1 }]);
  });
});

describe('order_size ≤ max_position', () => {
  it('refuses a larger order_size, naming both fields and values', () => {
    const result = validateParams({ order_size: 5, max_position: 3 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ field: 'order_size', value: 5 });
    expect(result.issues[0]!.message).toContain('order_size = 5');
    expect(result.issues[0]!.message).toContain('max_position = 3');
    expect(result.issues[0]!.expected).toContain('max_position (3)');
  });

  it('accepts equal sizes, and the defaults', () => {
    expect(validateParams({ order_size: 3, max_position: 3 }).ok).toBe(true);
    expect(validateParams({}).ok).toBe(true);
    expect(DEFAULT_PARAMS.order_size).toBeLessThanOrEqual(DEFAULT_PARAMS.max_position);
  });

  it('is left to the merged document by a patch (the other size is not known yet)', () => {
    expect(validateParamsPatch({ order_size: 5 }).ok).toBe(true);
  });
});

describe('a merge patch', () => {
  it('refuses an unknown key set to null, with a did-you-mean', () => {
    const result = validateParamsPatch({ order_sise: null });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]).toMatchObject({ field: 'order_sise', value: null });
    expect(result.issues[0]!.expected).toContain('did you mean "order_size"');
  });

  it('names the code points of a homoglyph key', () => {
    const result = validateParamsPatch({ ordеr_size: null });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]!.message).toContain('non-ASCII characters: "е" U+0435 at index 3');
    expect(result.issues[0]!.expected).toContain('did you mean "order_size"');
    expect(nonAsciiCharacters('order_size')).toEqual([]);
  });

  it('shows control characters in a key escaped, never raw', () => {
    const result = validateParamsPatch({ 'x\u001b[2J': null });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]!.message).not.toContain('\u001b');
    expect(result.issues[0]!.message).toContain('\\u001b');
  });

  it('refuses everything when one key is wrong, and reports every wrong key', () => {
    const result = validateParamsPatch({ max_positon: null, skew_adjustment_factor: 0.77, order_size: -1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.field).sort()).toEqual(['max_positon', 'order_size']);
  });

  it('passes known keys, null included, and refuses what is not an object', () => {
    expect(validateParamsPatch({ order_size: null, trading_mode: 'halted' })).toEqual({
      ok: true,
      patch: { order_size: null, trading_mode: 'halted' },
    });
    for (const input of [null, [], 'x', 1]) expect(validateParamsPatch(input).ok).toBe(false);
  });
});
