/** The hint cards word shared/hints.ts; they never compute a figure of their own. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paramsHints } from '../../../shared/hints.ts';
import { DEFAULT_PARAMS, type Params } from '../../../shared/params-schema.ts';
import { hintCards, hintCardsWithPreview } from '../../../dashboard/src/hint-cards.ts';

const round = (x: number) => String(Number(x.toFixed(3)));

describe("the dashboard's derived figures", () => {
  it('are those of shared/hints.ts for any valid document', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        unit,
        unit,
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 1e-3, max: 1000, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        (threshold, floor, rate, spread, maxPosition) => {
          const params: Params = {
            ...DEFAULT_PARAMS,
            inventory_urgency_threshold: threshold,
            min_spread_base_ratio: floor,
            liquidation_rate_multiplier: rate,
            base_half_spread_bps: spread,
            max_position: maxPosition,
          };
          const x = paramsHints(params);
          const byId = Object.fromEntries(hintCards(params).map((c) => [c.id, c]));
          expect(byId.liquidation?.value).toBe(`|Q| > ${round(x.liquidation_start_inventory)}`);
          expect(byId.liquidation?.detail).toContain(`|Q|/Qmax > ${round(x.liquidation_start_ratio)}`);
          expect(byId['min-offset']?.value).toBe(`${round(x.min_offset_bps)} bps`);
          expect(byId['max-offset']?.value).toBe(`${round(x.max_inventory_offset_bps)} bps`);
          expect(byId['max-rate']?.value).toBe(`${round(x.max_liquidation_rate)} /s`);
        },
      ),
    );
  });

  it('preview only the figures an edit changes', () => {
    const cards = hintCardsWithPreview({ ...DEFAULT_PARAMS }, { ...DEFAULT_PARAMS, base_half_spread_bps: 8 });
    const next = Object.fromEntries(cards.map((c) => [c.id, c.next]));
    expect(next).toEqual({ liquidation: undefined, 'min-offset': '1.6 bps', 'max-offset': '16 bps', 'max-rate': undefined });
    expect(hintCardsWithPreview({ ...DEFAULT_PARAMS }, null).every((c) => c.next === undefined)).toBe(true);
  });
});
