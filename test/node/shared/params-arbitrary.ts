/**
 * fast-check generators of params documents that mix valid and invalid entries: in-range values and
 * exact bounds, values just outside, wrong types, non-finite numbers and misspelt or unknown keys.
 * Shared by the Node property test of the schema and the workerd property test of the edge.
 */
import fc from 'fast-check';
import { PARAM_KEYS, PARAM_SPECS, TRADING_MODES, type ParamKey } from '../../../shared/param-specs.ts';

function valueFor(key: ParamKey): fc.Arbitrary<unknown> {
  const spec = PARAM_SPECS[key];
  if (spec.kind === 'enum')
    return fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...TRADING_MODES) },
      { weight: 1, arbitrary: fc.constantFrom('Active', 'paused', '', 1, null) },
    );
  const range = spec.range as { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean };
  const min = range.min ?? 0;
  const max = range.max ?? 1e6;
  return fc.oneof(
    {
      weight: 20,
      arbitrary: fc.double({
        min,
        max,
        noNaN: true,
        minExcluded: range.minExclusive ?? false,
        maxExcluded: range.maxExclusive ?? false,
      }),
    },
    { weight: 2, arbitrary: fc.constantFrom(min, max, min - 1e-9, max + 1e-9, min - 1, max * 2 + 1) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(NaN, Infinity, -Infinity, String(min), null, true, [min], { v: min }) },
  );
}

const strangeKey = fc.oneof(
  fc.constantFrom('order_sise', 'ORDER_SIZE', 'skew', '__proto__', 'constructor', 'toString', ''),
  fc.string({ maxLength: 12 }),
);

/** A document: any subset of the known keys with mixed values, sometimes plus one unknown key. */
export const paramsDocumentArbitrary: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.subarray([...PARAM_KEYS]).chain((keys) => fc.tuple(...keys.map((k) => valueFor(k).map((v) => [k, v] as const)))),
    fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(strangeKey, fc.double()) }),
  )
  .map(([entries, extra]) => {
    const doc: Record<string, unknown> = {};
    for (const [k, v] of entries) doc[k] = v;
    // defineProperty: a "__proto__" key must be an own key, as JSON.parse would make it.
    if (extra !== null)
      Object.defineProperty(doc, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
    return doc;
  });
