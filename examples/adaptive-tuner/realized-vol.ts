/**
 * Realized volatility of a mid-price series, in bps per √second: the unit the simulator's
 * scenarios use (`volatilityBpsPerSqrtS`), so thresholds read the same on both sides.
 */

export interface MidSample {
  /** Milliseconds (any epoch, increasing). */
  at: number;
  mid: number;
}

/**
 * √(Σ ln(mᵢ/mᵢ₋₁)² / Σ Δtᵢ) · 1e4 over consecutive samples. Dividing by the elapsed time (not the
 * sample count) keeps the figure independent of how often the mid was sampled. Undefined with fewer
 * than two usable samples; samples that are not finite and positive, or not later than the one
 * before, are skipped.
 */
export function realizedVolBpsPerSqrtS(samples: readonly MidSample[]): number | undefined {
  let sumSquares = 0;
  let seconds = 0;
  let previous: MidSample | undefined;
  for (const sample of samples) {
    if (!(Number.isFinite(sample.mid) && sample.mid > 0 && Number.isFinite(sample.at))) continue;
    if (previous && sample.at > previous.at) {
      const r = Math.log(sample.mid / previous.mid);
      sumSquares += r * r;
      seconds += (sample.at - previous.at) / 1000;
    }
    if (!previous || sample.at > previous.at) previous = sample;
  }
  if (seconds <= 0) return undefined;
  return Math.sqrt(sumSquares / seconds) * 1e4;
}

/** The samples of the last `windowMs` before `now`. */
export function withinWindow(samples: readonly MidSample[], now: number, windowMs: number): MidSample[] {
  return samples.filter((s) => s.at > now - windowMs);
}
