import { describe, expect, it } from 'vitest';
import { fillFromBook, fillFromTrade, type QueuedOrder } from '../../../engine/matcher/maker-queue.ts';

const bid = (queueAhead: number): QueuedOrder => ({ side: 'buy', price: 30, remaining: 1, queueAhead });

describe('maker queue model', () => {
  it('lets trades at our price eat the queue ahead before us', () => {
    const o = bid(2);
    expect(fillFromTrade(o, 'sell', 30, 1.5)).toBe(0);
    expect(fillFromTrade(o, 'sell', 30, 1)).toBe(0.5);
    expect(o).toMatchObject({ queueAhead: 0, remaining: 0.5 });
  });

  it('fills on a trade through our price, never on a trade from our own side or away from it', () => {
    expect(fillFromTrade(bid(5), 'sell', 29.99, 0.4)).toBe(0.4);
    expect(fillFromTrade(bid(0), 'buy', 29.99, 0.4)).toBe(0);
    expect(fillFromTrade(bid(0), 'sell', 30.01, 0.4)).toBe(0);
  });

  it('fills all of it when the book crosses it, and only lets the queue ahead shrink', () => {
    const o = bid(3);
    expect(fillFromBook(o, 29.99, 30.02, 5)).toBe(0);
    expect(o.queueAhead).toBe(3);
    expect(fillFromBook(o, 29.99, 30.02, 1)).toBe(0);
    expect(o.queueAhead).toBe(1);
    expect(fillFromBook(o, 29.98, 30, 0)).toBe(1);
  });
});
