/**
 * A parameter sweep: every candidate on every search seed, ranked by the objective; then the best
 * few and the base again on holdout seeds that played no part in choosing them. A candidate that
 * wins on the search seeds and not on the holdout was fitted to those markets (overfitting): the
 * report shows both, and `winner` is set only when the best candidate also beats the base on the
 * holdout.
 */
import type { Params } from '../../shared/params-schema.ts';
import type { ScenarioKnobs } from '../sim/scenarios.ts';
import { candidateLabel } from './sweep-candidates.ts';
import type { SweepExecutor } from './sweep-executor.ts';
import type { SweepJob, SweepJobResult } from './sweep-job.ts';
import { type CandidateSummary, type SweepObjective, summariseSweep } from './summarise-sweep.ts';

export interface SweepOptions {
  /** Candidate 0 is the base the others are compared with. */
  candidates: readonly Params[];
  seeds: readonly number[];
  holdoutSeeds: readonly number[];
  scenario: string;
  overrides?: Partial<ScenarioKnobs>;
  durationMs: number;
  objective: SweepObjective;
  /** How many of the best candidates the holdout re-runs (besides the base). */
  holdoutTop?: number;
  executor: SweepExecutor;
  onResult?: (result: SweepJobResult, done: number, total: number) => void;
}

export interface SweepRow extends CandidateSummary {
  label: string;
  params: Params;
}

export interface SweepReport {
  scenario: string;
  duration_ms: number;
  objective: SweepObjective;
  seeds: number[];
  holdout_seeds: number[];
  search: SweepRow[];
  holdout: SweepRow[];
  /** The best search candidate, if it also beat the base on the holdout seeds; else null. */
  winner: SweepRow | null;
  results: SweepJobResult[];
}

export async function runSweep(o: SweepOptions): Promise<SweepReport> {
  const base = o.candidates[0]!;
  const jobs = (candidates: readonly number[], seeds: readonly number[], phase: SweepJob['phase']): SweepJob[] =>
    candidates.flatMap((candidate) =>
      seeds.map((seed) => ({
        candidate,
        seed,
        phase,
        params: o.candidates[candidate]!,
        scenario: o.scenario,
        overrides: o.overrides ?? {},
        durationMs: o.durationMs,
      })),
    );
  const search = jobs(
    o.candidates.map((_, i) => i),
    o.seeds,
    'search',
  );
  const top = o.holdoutTop ?? 3;
  const total =
    search.length + (o.holdoutSeeds.length > 0 ? (Math.min(top, o.candidates.length - 1) + 1) * o.holdoutSeeds.length : 0);
  let done = 0;
  const onResult = (r: SweepJobResult) => o.onResult?.(r, ++done, total);
  const searchResults = await o.executor.run(search, onResult);
  const rows = (summary: CandidateSummary[]): SweepRow[] =>
    summary.map((s) => ({ ...s, label: candidateLabel(base, o.candidates[s.candidate]!), params: o.candidates[s.candidate]! }));
  const searchRows = rows(summariseSweep(searchResults, o.objective));
  let holdoutRows: SweepRow[] = [];
  let holdoutResults: SweepJobResult[] = [];
  if (o.holdoutSeeds.length > 0) {
    const best = searchRows
      .filter((r) => r.candidate !== 0)
      .slice(0, top)
      .map((r) => r.candidate);
    holdoutResults = await o.executor.run(jobs([0, ...best], o.holdoutSeeds, 'holdout'), onResult);
    holdoutRows = rows(summariseSweep(holdoutResults, o.objective));
  }
  const bestSearch = searchRows.find((r) => r.candidate !== 0) ?? null;
  const onHoldout = bestSearch === null ? undefined : holdoutRows.find((r) => r.candidate === bestSearch.candidate);
  const winner =
    bestSearch !== null && bestSearch.diff_mean > 0 && onHoldout !== undefined && onHoldout.diff_mean > 0 ? bestSearch : null;
  return {
    scenario: o.scenario,
    duration_ms: o.durationMs,
    objective: o.objective,
    seeds: [...o.seeds],
    holdout_seeds: [...o.holdoutSeeds],
    search: searchRows,
    holdout: holdoutRows,
    winner,
    results: [...searchResults, ...holdoutResults],
  };
}
