/**
 * What a rollout knows of how its candidate trades: accumulators fed by the reports the hub accepts
 * (`observe`), built on the telemetry contract (`shared/telemetry.ts`: per-version additive deltas),
 * so the rollout depends on no rollup table. Fills are attributed to the version their order was
 * placed under, so the candidate's figures are the canaries' and the base version's are the
 * control group's, even across the moment a runner swaps.
 *
 * A plain JSON value: persisted with the rollout at each evaluation, so a restarted hub resumes it
 * (losing at most one evaluation interval of reports, which the next heartbeats partly bring back).
 */
import type { SampleSums } from '../../../shared/telemetry.ts';
import type { FleetEvent } from '../fleet-update.ts';

/** One runner's figures on the candidate. */
export interface RunnerTally {
  region: string;
  /** Fills (maker + taker) of orders placed under the candidate. */
  fills: number;
  /** Cumulative P&L of those fills (all parts), its peak, and the largest fall from a peak. */
  pnl: number;
  peak: number;
  drawdown: number;
  /** Largest |inventory| / max_position reported while on the candidate, or null before any. */
  inventory_ratio: number | null;
  /**
   * Highest P&L the runner reported (`trading.pnl`) while on the candidate: drawdown from reports
   * without telemetry (a runner older than the telemetry contract), or null before any.
   */
  reported_pnl_peak: number | null;
  /** Applied the candidate (ACK or report). */
  on_candidate: boolean;
  /** Rejected the candidate (NACK, or `rejected` in a report). */
  nacked: boolean;
  sync_state: string;
}

export interface RolloutTally {
  runners: Record<string, RunnerTally>;
  canary_markout_5s: SampleSums;
  control_markout_5s: SampleSums;
  canary_fills: number;
  control_fills: number;
}

/** Which versions the tally follows, and the candidate's position limit. */
export interface TallyScope {
  candidate: number;
  base: number;
  lineage: string;
  maxPosition: number;
}

/** Most runners one tally follows (the fleet table's own bound is 1000). */
const MAX_TALLIED_RUNNERS = 2000;

export function emptyTally(): RolloutTally {
  const sums = () => ({ n: 0, sum: 0, sum_sq: 0 });
  return { runners: {}, canary_markout_5s: sums(), control_markout_5s: sums(), canary_fills: 0, control_fills: 0 };
}

function addSums(into: SampleSums, delta: SampleSums): void {
  into.n += delta.n;
  into.sum += delta.sum;
  into.sum_sq += delta.sum_sq;
}

function runnerOf(tally: RolloutTally, runnerId: string, region: string | undefined): RunnerTally | undefined {
  let runner = tally.runners[runnerId];
  if (runner === undefined) {
    if (Object.keys(tally.runners).length >= MAX_TALLIED_RUNNERS) return undefined;
    runner = {
      region: region ?? 'unknown',
      fills: 0,
      pnl: 0,
      peak: 0,
      drawdown: 0,
      inventory_ratio: null,
      reported_pnl_peak: null,
      on_candidate: false,
      nacked: false,
      sync_state: 'ready',
    };
    tally.runners[runnerId] = runner;
  }
  if (region !== undefined) runner.region = region;
  return runner;
}

/** Adds one accepted fleet event (the fleet table already checked its runner, token and versions). */
export function observe(tally: RolloutTally, scope: TallyScope, runnerId: string, event: FleetEvent): void {
  switch (event.kind) {
    case 'ack':
    case 'nack': {
      if (event.version !== scope.candidate || event.lineage !== scope.lineage) return;
      const runner = runnerOf(tally, runnerId, undefined);
      if (runner === undefined) return;
      if (event.kind === 'ack') runner.on_candidate = true;
      else runner.nacked = true;
      return;
    }
    case 'report':
      observeReport(tally, scope, runnerId, event.report, event.telemetry);
  }
}

function observeReport(
  tally: RolloutTally,
  scope: TallyScope,
  runnerId: string,
  report: Extract<FleetEvent, { kind: 'report' }>['report'],
  telemetry: Extract<FleetEvent, { kind: 'report' }>['telemetry'],
): void {
  const onCandidate = report.applied_version === scope.candidate;
  const nacked = report.rejected?.version === scope.candidate;
  const candidateFigures =
    telemetry?.versions.filter((v) => v.lineage === scope.lineage && v.params_version === scope.candidate) ?? [];
  for (const v of telemetry?.versions ?? []) {
    if (v.lineage !== scope.lineage || v.params_version !== scope.base) continue;
    tally.control_fills += v.maker_fills + v.taker_fills;
    addSums(tally.control_markout_5s, v.markout_bps['5s']);
  }
  // A runner never given the candidate is control only: no entry of its own.
  const known = tally.runners[runnerId] !== undefined;
  if (!onCandidate && !nacked && candidateFigures.length === 0 && !known) return;
  const runner = runnerOf(tally, runnerId, report.region);
  if (runner === undefined) return;
  runner.sync_state = report.sync_state;
  if (onCandidate) runner.on_candidate = true;
  if (nacked) runner.nacked = true;
  for (const v of candidateFigures) {
    const fills = v.maker_fills + v.taker_fills;
    runner.fills += fills;
    tally.canary_fills += fills;
    addSums(tally.canary_markout_5s, v.markout_bps['5s']);
    runner.pnl += v.pnl.spread + v.pnl.inventory + v.pnl.fees + v.pnl.taker;
    runner.peak = Math.max(runner.peak, runner.pnl);
    runner.drawdown = Math.max(runner.drawdown, runner.peak - runner.pnl);
  }
  // No telemetry: the drawdown of the runner's own P&L figure since it is on the candidate.
  const pnl = report.trading?.pnl;
  if (telemetry === undefined && onCandidate && typeof pnl === 'number' && Number.isFinite(pnl)) {
    runner.reported_pnl_peak = Math.max(runner.reported_pnl_peak ?? pnl, pnl);
    runner.drawdown = Math.max(runner.drawdown, runner.reported_pnl_peak - pnl);
  }
  if (onCandidate && scope.maxPosition > 0) {
    const seen = [
      telemetry?.inventory.min,
      telemetry?.inventory.max,
      telemetry?.inventory.last,
      report.trading?.inventory,
    ].filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (seen.length > 0) {
      const ratio = Math.max(...seen.map(Math.abs)) / scope.maxPosition;
      runner.inventory_ratio = Math.max(runner.inventory_ratio ?? 0, ratio);
    }
  }
}
