/**
 * A storm of swaps interleaved with quoting events, modelled the way the loop reads params: one
 * `get()` per event. Every event must see exactly one complete, valid version, and the versions
 * events see must never go backwards — including when stale (older) versions arrive in the storm.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, ParamsSchema, type Params } from '../../../shared/params-schema.ts';
import { ParamsHolder } from '../../../runner/params/params-holder.ts';

/** Version n's document: every numeric key derived from n, so a mix of two versions is detectable. */
function docFor(n: number): Params {
  return {
    ...DEFAULT_PARAMS,
    skew_adjustment_factor: (n % 200) / 100,
    adverse_selection_lambda: (n % 100) / 100,
    liquidation_rate_multiplier: n % 100,
    base_half_spread_bps: (n % 1000) + 1,
    order_size: n,
    // order_size ≤ max_position: the inventory limit moves with it.
    max_position: n,
    requote_threshold_bps: n % 1000,
  };
}

function versionOf(p: Readonly<Params>): number | undefined {
  const n = p.order_size;
  const expected = docFor(n);
  return (Object.keys(expected) as (keyof Params)[]).every((k) => expected[k] === p[k]) ? n : undefined;
}

type Step = { kind: 'swap'; version: number } | { kind: 'event' };

describe('ParamsHolder under a swap storm', () => {
  it('every event sees one complete valid version, never going backwards', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('swap' as const), version: fc.integer({ min: 1, max: 500 }) }),
      fc.constant({ kind: 'event' as const }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), (steps: Step[]) => {
        const holder = new ParamsHolder();
        holder.update(docFor(1), { version: 1 });
        let lastSeen = 0;
        for (const s of steps) {
          if (s.kind === 'swap') {
            holder.update(docFor(s.version), { version: s.version });
            continue;
          }
          const params = holder.get(); // the event's one read
          const seen = versionOf(params);
          expect(seen).toBeDefined();
          expect(ParamsSchema.safeParse(params).success).toBe(true);
          expect(Object.isFrozen(params)).toBe(true);
          expect(seen!).toBeGreaterThanOrEqual(lastSeen);
          expect(seen).toBe(holder.version);
          lastSeen = seen!;
        }
      }),
      { numRuns: 300 },
    );
  });
});
