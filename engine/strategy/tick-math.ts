/**
 * Rounding to the venue's tick and lot. Prices are computed as an integer count of ticks and turned
 * back into a number by dividing by the inverse tick when the tick is 1/k (0.01, 0.001, 0.5): that
 * division gives the double nearest the decimal price, where `n * 0.01` would give 1.0100000000000002.
 * The `GRID_EPS` nudges keep an exact multiple from being floored (or ceiled) one tick too far after a
 * floating-point error in the product S·(1 ± δ).
 */
import { GRID_EPS } from '../../shared/eps.ts';

const NUDGE = GRID_EPS;

/** The number of `unit`s (tick or lot) in `unit`-multiple `n` → the value, as exact as a double allows. */
export function fromUnits(n: number, unit: number): number {
  const inverse = 1 / unit;
  const rounded = Math.round(inverse);
  return Math.abs(inverse - rounded) < GRID_EPS && rounded > 0 ? n / rounded : n * unit;
}

export function floorUnits(x: number, unit: number): number {
  return Math.floor(x / unit + NUDGE);
}

export function ceilUnits(x: number, unit: number): number {
  return Math.ceil(x / unit - NUDGE);
}

/** Largest multiple of `lot` not above `x` (never negative). */
export function lotFloor(x: number, lot: number): number {
  return x <= 0 ? 0 : fromUnits(floorUnits(x, lot), lot);
}
