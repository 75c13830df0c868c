/**
 * The engine's order ids ↔ Hyperliquid `cloid`s. A cloid is 16 bytes: the high 8 are a prefix drawn
 * once per run, the low 8 the engine's id. So a cloid names the run that placed it: an open order
 * whose prefix is not ours was left by an earlier run (or another tool) and is cancelled at
 * reconciliation, never mistaken for one of ours — engine ids restart at 1 on every run.
 */
import type { Cloid } from './order-wire.ts';

export class CloidMap {
  readonly prefix: string;

  /** `random` gives 8 bytes of prefix (two 32-bit draws). */
  constructor(random: () => number) {
    const word = () =>
      Math.floor(random() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0');
    this.prefix = `${word()}${word()}`;
  }

  cloid(orderId: number): Cloid {
    if (!Number.isSafeInteger(orderId) || orderId < 0) throw new RangeError(`order id ${orderId}: expected a safe integer ≥ 0`);
    return `0x${this.prefix}${orderId.toString(16).padStart(16, '0')}`;
  }

  /** The engine id of one of our cloids; null for a cloid of another run or none. */
  orderId(cloid: string | null | undefined): number | null {
    if (typeof cloid !== 'string' || cloid.length !== 34) return null;
    const lower = cloid.toLowerCase();
    if (lower.slice(2, 18) !== this.prefix) return null;
    const id = Number.parseInt(lower.slice(18), 16);
    return Number.isSafeInteger(id) ? id : null;
  }
}
