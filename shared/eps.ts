/**
 * The numerical tolerances of sizes, positions and prices, in one place. Two magnitudes on purpose:
 *
 * - `EPS` (1e-12): what floating-point subtraction leaves of a size that is really used up
 *   (`1 - 0.7 - 0.3` is about -6e-17) is dust, not a quantity: anything at or below `EPS` counts
 *   as nothing. It is orders of magnitude below any lot, so it never swallows a real fill.
 * - `GRID_EPS` (1e-9): positions and remaining sizes are kept on a 1e-9 grid (`roundToGrid`) so a
 *   day of 0.01-lot fills does not drift off the lot grid; two figures on that grid differ only
 *   when they differ by more than one step. The same magnitude nudges a tick count away from a
 *   floor or ceil that a rounding error would put one tick off (tick-math.ts), and is the floor of
 *   a duration that must not be zero in a division.
 */

export const EPS = 1e-12;

export const GRID_EPS = 1e-9;

const GRID_SCALE = 1e9;

/** `x` on the 1e-9 grid (multiplied by the scale and divided back, as every ledger always did). */
export function roundToGrid(x: number): number {
  return Math.round(x * GRID_SCALE) / GRID_SCALE;
}
