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

export function buildStatus(s: StatusSources): RunnerStatus {
  const snapshot = s.holder.snapshot();
  const health = s.health.view();
  const since = health.lastSuccessAt ?? snapshot?.appliedAt ?? null;
  return {
    set: s.identity.set,
    runner_id: s.identity.runnerId,
    region: s.identity.region,
    version: snapshot?.version ?? null,
    etag: snapshot?.etag ?? null,
    params_age_s: since === null ? null : Math.max(0, (s.clock.now() - since) / 1000),
    sync_state: health.state,
    sync_mode: s.mode,
    policy: health.policy,
    last_error: health.reason ?? s.otherError?.() ?? null,
    rejected: s.rejected(),
    started_from: s.startedFrom,
    started_at: new Date(s.startedAt).toISOString(),
    params: snapshot?.params ?? null,
    trading: s.trading(),
  };
}

export function reportFromStatus(status: RunnerStatus): RunnerReport {
  const t = status.trading;
  return {
    region: status.region,
    applied_version: status.version,
    rejected: status.rejected ? { version: status.rejected.version, reason: status.rejected.reason.slice(0, 2000) } : null,
    sync_state: status.sync_state,
    params_age_s: status.params_age_s,
    sync_mode: status.sync_mode,
    ...(t
      ? {
          trading: {
            mid: t.mid,
            bid: t.bid,
            ask: t.ask,
            inventory: t.inventory,
            pnl: t.pnl,
            fills: t.fills,
            mode: t.mode.slice(0, 32),
          },
        }
      : {}),
  };
}
