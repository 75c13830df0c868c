/**
 * The numerical tolerances of quantities and prices, in one place. Two magnitudes on purpose:
 *
 * - `EPS` (1e-12): what is left of a size after floating-point subtraction (`1 − 0.7 − 0.3`) is a
 *   few 1e-16; anything at or below `EPS` is dust, not a quantity. Far below any lot (≥ 1e-8 on
 *   every venue we know), so it never swallows a real fill.
 * - `GRID_EPS` (1e-9): positions and remaining sizes are rounded to a 1e-9 grid (`roundToGrid`) so
 *   a day of 0.01-lot fills does not drift off the lot grid; two figures on that grid are equal
 *   when they differ by no more than one step. Also the nudge that keeps an exact multiple of a
 *   tick from being floored one tick too far (tick-math.ts).
 */

export const EPS = 1e-12;

export const GRID_EPS = 1e-9;

const GRID_SCALE = 1e9;

/** `x` on the 1e-9 grid (multiplying by the scale, not dividing by the step: exact for lot multiples). */
export function roundToGrid(x: number): number {
  return Math.round(x * GRID_SCALE) / GRID_SCALE;
}
