/**
 * The edit form's rules. The page decides with shared/'s `validateParams` (the edge's own check) on
 * the document the edge would store, so these tests hold the form to the edge: what it refuses, the
 * fields it names and the ranges it states.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../../shared/merge-patch.ts';
import { PARAM_KEYS, PARAM_SPECS, describeAccepted } from '../../../shared/param-specs.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { validateParams } from '../../../shared/validate-params.ts';
import {
  checkDocument,
  checkEdits,
  collectPatch,
  compactAccepted,
  type Drafts,
  followDrafts,
  parseInput,
  readMessage,
} from '../../../dashboard/src/edits.ts';

const atDefaults = (): Drafts => followDrafts(null, { ...DEFAULT_PARAMS });
const typed = (edits: Record<string, string>): Drafts => {
  const drafts = atDefaults();
  for (const [key, text] of Object.entries(edits)) drafts[key as keyof Drafts] = { text, touched: true };
  return drafts;
};

describe('reading an input', () => {
  it('reads plain decimal notation as a number and keeps anything else as text, which then fails', () => {
    const spec = PARAM_SPECS.base_half_spread_bps;
    expect(parseInput(' 8 ', spec)).toBe(8);
    expect(parseInput('1e3', spec)).toBe(1000);
    expect(parseInput('.5', spec)).toBe(0.5);
    for (const text of ['', '0x10', '5bps', 'Infinity', 'NaN']) expect(parseInput(text, spec)).toBe(text.trim());
    expect(parseInput('halted', PARAM_SPECS.trading_mode)).toBe('halted');
  });
});

describe('the pending change', () => {
  it('holds only the keys whose input differs from the current version', () => {
    expect(collectPatch(atDefaults(), { ...DEFAULT_PARAMS })).toEqual({});
    expect(collectPatch(typed({ order_size: '0.2', trading_mode: 'halted' }), { ...DEFAULT_PARAMS })).toEqual({
      order_size: 0.2,
      trading_mode: 'halted',
    });
  });

  it('takes -0 typed over 0 as no change, as the edge does', () => {
    const params = { ...DEFAULT_PARAMS, requote_threshold_bps: 0 };
    expect(collectPatch(typed({ requote_threshold_bps: '-0' }), params)).toEqual({});
  });

  it('lets untouched inputs follow a new version and keeps what the operator typed', () => {
    const drafts = followDrafts(typed({ order_size: '0.25' }), { ...DEFAULT_PARAMS, order_size: 0.1, max_position: 5 });
    expect(drafts.order_size).toEqual({ text: '0.25', touched: true });
    expect(drafts.max_position).toEqual({ text: '5', touched: false });
  });
});

describe('checking the form against the edge', () => {
  it('refuses an out-of-range value with the edge message naming the field and the range', () => {
    const check = checkEdits(typed({ base_half_spread_bps: '5000' }), { ...DEFAULT_PARAMS });
    expect(check.issues).toHaveLength(1);
    expect(check.issues[0]?.field).toBe('base_half_spread_bps');
    expect(check.issues[0]?.message).toContain('(0, 1000]');
    expect(check.next).toBeNull();
  });

  it('accepts a valid edit and gives the document the edge would store', () => {
    const check = checkEdits(typed({ base_half_spread_bps: '8' }), { ...DEFAULT_PARAMS });
    expect(check.issues).toEqual([]);
    expect(check.next).toEqual({ ...DEFAULT_PARAMS, base_half_spread_bps: 8 });
  });

  it('accepts and refuses exactly the edits the edge does', () => {
    const text = fc.oneof(
      fc.double({ noNaN: true, min: -2000, max: 2000 }).map(String),
      fc.constantFrom(
        '0',
        '1',
        '2',
        '100',
        '1000',
        '1000.5',
        '-0',
        '',
        'abc',
        '1e309',
        'active',
        'reduce_only',
        'halted',
        'paused',
      ),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...PARAM_KEYS), text, { maxKeys: 6 }), (edits) => {
        const params = { ...DEFAULT_PARAMS };
        const check = checkEdits(typed(edits), params);
        const edge = validateParams(applyMergePatch(params, check.patch));
        expect(check.issues.length === 0).toBe(edge.ok);
        expect(check.issues.map((i) => i.field).sort()).toEqual(edge.ok ? [] : edge.issues.map((i) => i.field).sort());
      }),
      { numRuns: 1000 },
    );
  });

  it('checks a whole document exactly as the edge does, naming the same fields', () => {
    const doc = { order_size: -1, base_half_spread_bps: 5000, trading_mode: 'paused', skew_adjustment_factor: 1, typo_key: 3 };
    const edge = validateParams(doc);
    expect(edge.ok).toBe(false);
    expect(checkDocument(doc)).toEqual(edge.ok ? [] : edge.issues);
    expect(checkDocument({ order_size: 0.5 })).toEqual([]);
    expect(checkDocument([1, 2])[0]?.field).toBe('(document)');
  });

  it('states every range as the edge does, without the words in the table column', () => {
    for (const key of PARAM_KEYS) {
      const spec = PARAM_SPECS[key];
      const compact = compactAccepted(spec);
      if (spec.kind === 'enum') expect(compact).toBe(spec.values.join(' | '));
      else expect(describeAccepted(spec).endsWith(compact)).toBe(true);
    }
    expect(compactAccepted(PARAM_SPECS.skew_adjustment_factor)).toBe('[0, 2]');
    expect(compactAccepted(PARAM_SPECS.order_size)).toBe('> 0');
  });
});

describe('the change message', () => {
  it('is required and bounded as the edge requires it', () => {
    expect(readMessage('  widen: thin book  ')).toBe('widen: thin book');
    expect(readMessage('   ')).toBeUndefined();
    expect(readMessage('x'.repeat(501))).toBeUndefined();
  });
});
