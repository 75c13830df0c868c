import { describe, expect, it } from 'vitest';
import { fillFromTrade, probabilisticQueue, type QueuedOrder } from '../../../engine/matcher/maker-queue.ts';

/** Our bid at 30 with `queueAhead` displayed ahead of it and `displayed` shown at 30 in all. */
const bid = (queueAhead: number, displayed = queueAhead): QueuedOrder => ({
  side: 'buy',
  price: 30,
  remaining: 1,
  queueAhead,
  displayed,
});

describe('maker queue model', () => {
  const queue = probabilisticQueue(3);

  it('lets trades at our price eat the queue ahead before us', () => {
    const o = bid(2);
    expect(fillFromTrade(o, 'sell', 30, 1.5)).toBe(0);
    expect(fillFromTrade(o, 'sell', 30, 1)).toBe(0.5);
    expect(o).toMatchObject({ queueAhead: 0, remaining: 0.5, displayed: 0 });
  });

  it('fills on a trade through our price, never on a trade from our own side or away from it', () => {
    expect(fillFromTrade(bid(5), 'sell', 29.99, 0.4)).toBe(0.4);
    expect(fillFromTrade(bid(0), 'buy', 29.99, 0.4)).toBe(0);
    expect(fillFromTrade(bid(0), 'sell', 30.01, 0.4)).toBe(0);
  });

  it('fills all of it when the book crosses it', () => {
    expect(queue.onBook(bid(3), 29.98, 30, 0)).toBe(1);
  });

  it('never moves the queue ahead on adds: displayed size that grows joins behind us', () => {
    const o = bid(3, 3);
    for (const shown of [3.5, 4, 6, 6, 9]) expect(queue.onBook(o, 29.99, 30.02, shown)).toBe(0);
    expect(o.queueAhead).toBe(3);
    expect(o.displayed).toBe(9);
  });

  it('takes a fall of displayed size as cancels, ahead of us only with the share f(front)/(f(front)+f(back))', () => {
    // 2 ahead, 6 behind: f = x³ → 8 / (8 + 216) of a 1-unit fall is ahead of us.
    const front = bid(2, 8);
    queue.onBook(front, 29.99, 30.02, 7);
    expect(front.queueAhead).toBeCloseTo(2 - 8 / 224, 12);
    // 6 ahead, 2 behind: most of the fall is ahead.
    const back = bid(6, 8);
    queue.onBook(back, 29.99, 30.02, 7);
    expect(back.queueAhead).toBeCloseTo(6 - 216 / 224, 12);
  });

  it('never lets the queue ahead exceed what is displayed', () => {
    const o = bid(5, 5);
    queue.onBook(o, 29.99, 30.02, 1);
    expect(o.queueAhead).toBe(1);
  });

  it('does not take a trade ahead of us for a cancel when the next book shows it gone', () => {
    const o = bid(3, 5);
    fillFromTrade(o, 'sell', 30, 2); // 2 of the 3 ahead traded
    queue.onBook(o, 29.99, 30.02, 3); // the book shows the 2 gone: no cancel, no extra advance
    expect(o.queueAhead).toBe(1);
  });
});
