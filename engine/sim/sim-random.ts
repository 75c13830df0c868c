/**
 * Seeded random draws for the simulator on pure-rand's xoroshiro128+ (mutated in place: one
 * generator per stream, no allocation per draw). Each market process gets its own stream, so our
 * orders never change which random numbers the market sees: two runs with different params and the
 * same seed face the very same market (common random numbers make A/B comparisons precise).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

const TWO_POW_32 = 4294967296;

export class SimRandom {
  readonly #rng: RandomGenerator;
  #spare = 0;
  #hasSpare = false;

  constructor(seed: number, stream: number) {
    // Distinct, well-mixed seeds per stream (golden-ratio increment, kept in int32).
    this.#rng = xoroshiro128plus((seed ^ Math.imul(stream + 1, 0x9e3779b9)) | 0);
    for (let i = 0; i < 8; i++) this.#rng.next();
  }

  /** Uniform in (0, 1), never exactly 0 or 1 (safe under log). */
  uniform(): number {
    return ((this.#rng.next() >>> 0) + 0.5) / TWO_POW_32;
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.#hasSpare) {
      this.#hasSpare = false;
      return this.#spare;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(theta);
    this.#hasSpare = true;
    return r * Math.cos(theta);
  }

  exponential(mean: number): number {
    return -mean * Math.log(this.uniform());
  }
}
