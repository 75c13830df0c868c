import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARAM_KEYS } from '../../../shared/param-specs.ts';
import { ParamsSchema } from '../../../shared/params-schema.ts';
import { validateParams } from '../../../shared/validate-params.ts';
import { paramsDocumentArbitrary } from './params-arbitrary.ts';

describe('params schema properties', () => {
  it('validateParams agrees with ParamsSchema, and a parsed document parses to itself', () => {
    fc.assert(
      fc.property(paramsDocumentArbitrary, (doc) => {
        const result = validateParams(doc);
        expect(result.ok).toBe(ParamsSchema.safeParse(doc).success);
        if (result.ok) {
          expect(Object.keys(result.params).sort()).toEqual([...PARAM_KEYS].sort());
          expect(ParamsSchema.parse(result.params)).toEqual(result.params);
          for (const value of Object.values(result.params))
            if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
        } else {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) expect(issue.message).toContain(issue.field === '' ? '""' : issue.field);
        }
      }),
      { numRuns: 500 },
    );
  });
});
