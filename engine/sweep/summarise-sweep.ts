/**
 * Turns per-seed results into the sweep's table: per candidate the objective's mean ± sd across
 * seeds, and the paired difference to the base params on the same seeds (same market: common random
 * numbers) with its t statistic, mean(d) / (sd(d)/√n). Pairing is what makes a small difference
 * on few seeds visible: the market's luck cancels out.
 */
import type { SweepJobResult } from './sweep-job.ts';

export type SweepObjective = 'sharpe' | 'pnl' | 'drawdown';
export const SWEEP_OBJECTIVES: readonly SweepObjective[] = ['sharpe', 'pnl', 'drawdown'];

/** The number a candidate is ranked by on one seed (higher is better). */
export function objectiveOf(r: SweepJobResult, objective: SweepObjective): number {
  switch (objective) {
    case 'sharpe':
      return r.sharpe;
    case 'pnl':
      return r.pnl;
    case 'drawdown':
      // P&L penalised by its worst drawdown: a curve that gets there by falling first ranks lower.
      return r.pnl - r.max_drawdown;
  }
}

export interface CandidateSummary {
  candidate: number;
  seeds: number;
  mean: number;
  sd: number;
  /** Mean of (candidate − base) over the seeds both ran; 0 for the base. */
  diff_mean: number;
  diff_sd: number;
  /** Paired t of the difference; null with fewer than 2 seeds or no spread. */
  t: number | null;
  mean_pnl: number;
  mean_sharpe: number;
  mean_fills: number;
}

export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const n = xs.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: 0 };
  const variance = xs.reduce((a, x) => a + (x - mean) * (x - mean), 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** One row per candidate present in `results` (of one phase), ranked best first. */
export function summariseSweep(results: readonly SweepJobResult[], objective: SweepObjective): CandidateSummary[] {
  const byCandidate = new Map<number, Map<number, SweepJobResult>>();
  for (const r of results) {
    let seeds = byCandidate.get(r.candidate);
    if (seeds === undefined) {
      seeds = new Map();
      byCandidate.set(r.candidate, seeds);
    }
    seeds.set(r.seed, r);
  }
  const base = byCandidate.get(0);
  const rows: CandidateSummary[] = [];
  for (const [candidate, seeds] of byCandidate) {
    const runs = [...seeds.values()];
    const values = runs.map((r) => objectiveOf(r, objective));
    const { mean, sd } = meanSd(values);
    const diffs: number[] = [];
    if (base !== undefined)
      for (const [seed, r] of seeds) {
        const b = base.get(seed);
        if (b !== undefined) diffs.push(objectiveOf(r, objective) - objectiveOf(b, objective));
      }
    const d = meanSd(diffs);
    rows.push({
      candidate,
      seeds: runs.length,
      mean,
      sd,
      diff_mean: diffs.length > 0 ? d.mean : Number.NaN,
      diff_sd: diffs.length > 0 ? d.sd : Number.NaN,
      t: diffs.length >= 2 && d.sd > 0 ? d.mean / (d.sd / Math.sqrt(diffs.length)) : null,
      mean_pnl: meanSd(runs.map((r) => r.pnl)).mean,
      mean_sharpe: meanSd(runs.map((r) => r.sharpe)).mean,
      mean_fills: meanSd(runs.map((r) => r.fills)).mean,
    });
  }
  return rows.sort((a, b) => b.mean - a.mean || a.candidate - b.candidate);
}
