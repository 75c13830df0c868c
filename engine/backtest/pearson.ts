/** Streaming Pearson correlation (sums only, no arrays), for long backtests. */
export class Pearson {
  n = 0;
  #sx = 0;
  #sy = 0;
  #sxx = 0;
  #syy = 0;
  #sxy = 0;

  add(x: number, y: number): void {
    this.n++;
    this.#sx += x;
    this.#sy += y;
    this.#sxx += x * x;
    this.#syy += y * y;
    this.#sxy += x * y;
  }

  /** The correlation, or 0 when either series is constant or there are fewer than 3 points. */
  value(): number {
    const n = this.n;
    if (n < 3) return 0;
    const cov = this.#sxy - (this.#sx * this.#sy) / n;
    const vx = this.#sxx - (this.#sx * this.#sx) / n;
    const vy = this.#syy - (this.#sy * this.#sy) / n;
    return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
  }
}
