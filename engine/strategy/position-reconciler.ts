/**
 * Reconciliation while quoting (spec repair 10): the original adopted the venue's position only
 * with no order live, which a market maker almost never has, so one lost fill left Q wrong for
 * hours. Here every periodic check compares the venue's figure with what the engine expects it to
 * be (its own Q plus the fills the venue already counted but we have not received: orders the
 * venue ended as filled within the last check interval whose fills are still owed; older ones are
 * lost messages, not in flight), and the venue's figure is adopted once the
 * two disagree by more than a lot on two checks in a row, by the same amount within a lot.
 *
 * Why two checks, and the same amount: a fill can be in flight when the venue answers (on
 * Hyperliquid fills and position come on different streams), which shows up as a difference on
 * one check only, or as a different one on the next; a lost fill is a constant offset.
 */
import { GRID_EPS } from '../../shared/eps.ts';

export type ReconcileVerdict =
  | { kind: 'agree' }
  /** A first disagreement: not adopted yet, the next check decides. */
  | { kind: 'suspect'; difference: number }
  /** Disagreed twice in a row by the same amount: adopt the venue's figure. */
  | { kind: 'adopt'; difference: number };

export class PositionReconciler {
  #lastDifference: number | null = null;

  /**
   * One check: `venue` the venue's position, `expected` the engine's position plus the signed
   * fills the venue counted that have not reached us, `lot` the market's lot.
   */
  check(venue: number, expected: number, lot: number): ReconcileVerdict {
    const difference = venue - expected;
    if (Math.abs(difference) <= lot + GRID_EPS) {
      this.#lastDifference = null;
      return { kind: 'agree' };
    }
    const previous = this.#lastDifference;
    if (previous !== null && Math.abs(previous - difference) <= lot + GRID_EPS) {
      this.#lastDifference = null;
      return { kind: 'adopt', difference };
    }
    this.#lastDifference = difference;
    return { kind: 'suspect', difference };
  }

  /** Forget a pending disagreement (the position was set from the venue by other means). */
  reset(): void {
    this.#lastDifference = null;
  }
}
