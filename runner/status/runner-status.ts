/**
 * The runner's state as one JSON document (`GET /status`) and as the report sent to the edge. Both
 * are built from the same live sources so they never disagree.
 */
import type { RunnerReport, SyncState } from '../../shared/api.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Params } from '../../shared/params-schema.ts';
import type { ParamsHolder, ParamsOrigin } from '../params/params-holder.ts';
import type { SyncHealth } from '../sync/sync-health.ts';
import type { SyncMode } from '../sync/sync-loop.ts';
import type { Rejection } from '../sync/version-applier.ts';
import type { RiskPolicy, TradingSnapshot } from '../../engine/trading-loop-contract.ts';

export interface RunnerStatus {
  set: string;
  runner_id: string;
  region: string;
  version: number | null;
  /** The history `version` belongs to (null for params with no edge version). */
  lineage: string | null;
  etag: string | null;
  /** Seconds since the edge last confirmed the held params (or since they were loaded). */
  params_age_s: number | null;
  sync_state: SyncState;
  sync_mode: SyncMode;
  policy: RiskPolicy;
  last_error: string | null;
  rejected: Rejection | null;
  started_from: ParamsOrigin;
  started_at: string;
  params: Readonly<Params> | null;
  trading: TradingSnapshot | null;
}

export interface StatusSources {
  identity: { set: string; runnerId: string; region: string };
  mode: SyncMode;
  startedFrom: ParamsOrigin;
  startedAt: number;
  holder: ParamsHolder;
  health: SyncHealth;
  rejected: () => Rejection | null;
  trading: () => TradingSnapshot | null;
  /** A problem outside sync health (a rejected params file edit). */
  otherError?: () => string | null;
  clock: Pick<Clock, 'now'>;
}

/** The first trading figure that is not a finite number, named, or null (JSON would print it as null). */
function nonFiniteFigure(t: TradingSnapshot | null): string | null {
  if (t === null) return null;
  for (const key of ['mid', 'bid', 'ask', 'inventory', 'pnl'] as const) {
    const value = t[key];
    if (value !== null && !Number.isFinite(value)) return `trading figure ${key} = ${value} is not finite`;
  }
  return null;
}

/** A nullable figure as the edge accepts it: a finite number or null. */
const finiteOrNull = (value: number | null): number | null => (value !== null && Number.isFinite(value) ? value : null);

export function buildStatus(s: StatusSources): RunnerStatus {
  const snapshot = s.holder.snapshot();
  const health = s.health.view();
  const trading = s.trading();
  const since = health.lastSuccessAt ?? snapshot?.appliedAt ?? null;
  return {
    set: s.identity.set,
    runner_id: s.identity.runnerId,
    region: s.identity.region,
    version: snapshot?.version ?? null,
    lineage: snapshot?.lineage ?? null,
    etag: snapshot?.etag ?? null,
    params_age_s: since === null ? null : Math.max(0, (s.clock.now() - since) / 1000),
    sync_state: health.state,
    sync_mode: s.mode,
    policy: health.policy,
    last_error: health.reason ?? s.otherError?.() ?? nonFiniteFigure(trading),
    rejected: s.rejected(),
    started_from: s.startedFrom,
    started_at: new Date(s.startedAt).toISOString(),
    params: snapshot?.params ?? null,
    trading,
  };
}

/**
 * The report to the edge. It never carries a non-finite number: the edge refuses the whole report
 * (422) and the runner's fleet row would freeze on its last healthy-looking values. A figure that
 * is not finite goes as null, or is left out where the API has no null for it; /status names it.
 */
export function reportFromStatus(status: RunnerStatus): RunnerReport {
  const t = status.trading;
  return {
    region: status.region,
    applied_version: status.version,
    // The hub refuses a version of another lineage: the report names which history it is of.
    lineage: status.version === null ? null : status.lineage,
    rejected: status.rejected
      ? { version: status.rejected.version, lineage: status.rejected.lineage, reason: status.rejected.reason.slice(0, 2000) }
      : null,
    sync_state: status.sync_state,
    params_age_s: status.params_age_s === null ? null : finiteOrNull(status.params_age_s),
    sync_mode: status.sync_mode,
    ...(t
      ? {
          trading: {
            mid: finiteOrNull(t.mid),
            bid: finiteOrNull(t.bid),
            ask: finiteOrNull(t.ask),
            ...(Number.isFinite(t.inventory) ? { inventory: t.inventory } : {}),
            ...(Number.isFinite(t.pnl) ? { pnl: t.pnl } : {}),
            fills: t.fills,
            mode: t.mode.slice(0, 32),
          },
        }
      : {}),
  };
}
