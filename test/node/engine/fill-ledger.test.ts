/**
 * The fill ledger counts a fill once by its id within a bounded window of remembered ids: a replay
 * inside the window is refused, the oldest id is forgotten once the window is full.
 */
import { describe, expect, it } from 'vitest';
import { FillLedger, REMEMBERED_FILL_IDS } from '../../../engine/strategy/fill-ledger.ts';
import type { Fill } from '../../../engine/venue/venue.ts';

function fill(id: number, side: 'buy' | 'sell' = 'buy'): Fill {
  return {
    fillId: `f-${id}`,
    orderId: id,
    symbol: 'SIM',
    side,
    price: 100,
    size: 0.01,
    fee: 0.001,
    liquidity: 'maker',
    time: id,
  };
}

describe('FillLedger', () => {
  it('counts a fill once, and not one for another symbol', () => {
    const ledger = new FillLedger('SIM');
    expect(ledger.apply(fill(1))).toBe(true);
    expect(ledger.apply(fill(1))).toBe(false);
    expect(ledger.apply({ ...fill(2), symbol: 'OTHER' })).toBe(false);
    expect(ledger.position).toBe(0.01);
    expect(ledger.fills).toBe(1);
  });

  it('remembers the newest REMEMBERED_FILL_IDS ids and forgets the oldest', () => {
    const ledger = new FillLedger('SIM');
    for (let i = 0; i <= REMEMBERED_FILL_IDS; i++) expect(ledger.apply(fill(i, i % 2 === 0 ? 'buy' : 'sell'))).toBe(true);
    // f-0 fell out of the window; f-1 … f-N are still remembered.
    expect(ledger.apply(fill(1))).toBe(false);
    expect(ledger.apply(fill(REMEMBERED_FILL_IDS))).toBe(false);
    expect(ledger.apply(fill(0))).toBe(true);
    expect(ledger.fills).toBe(REMEMBERED_FILL_IDS + 2);
  });
});
