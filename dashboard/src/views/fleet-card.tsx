/** The fleet table: which runner in which region runs which version, and how it trades. */
import type { FleetEntry } from '../../../shared/api.ts';
import type { FleetView } from '../dashboard-state.ts';
import { appliedStatus, fleetSummary, liveness, sortRunners } from '../fleet-summary.ts';
import { formatDuration, formatFigure, formatSigned, secondsSince } from '../format.ts';
import { Badge, type Tone } from './notice-view.tsx';

const SYNC_TONES: Record<string, Tone> = { ready: 'ok', starting: 'info', stale: 'warn', error: 'bad' };

/** A rollout's candidate assigned to this runner (or the head it has yet to move to), when it differs from what it applied. */
function AssignedBadge({ applied, assigned }: { applied: number | null | undefined; assigned: number | undefined }) {
  if (assigned === undefined || assigned === applied) return null;
  return (
    <>
      {' '}
      <Badge text={`assigned v${assigned}`} tone="info" />
    </>
  );
}

function AppliedCell({
  applied,
  head,
  assigned,
}: {
  applied: number | null | undefined;
  head: number | null;
  assigned?: number | undefined;
}) {
  const status = appliedStatus(applied, head);
  if (status === 'none') {
    return (
      <td>
        <Badge text="none" tone="bad" />
        <AssignedBadge applied={applied} assigned={assigned} />
      </td>
    );
  }
  return (
    <td>
      <strong>{`v${applied}`}</strong> <Badge text={status} tone={status === 'current' ? 'ok' : 'warn'} />
      <AssignedBadge applied={applied} assigned={assigned} />
    </td>
  );
}

function FleetRow({ runner, head, at }: { runner: FleetEntry; head: number | null; at: number }) {
  const t = runner.trading ?? {};
  const status = liveness(runner, at);
  const silent = status !== 'live';
  const pnl = t.pnl ?? null;
  return (
    <tr data-runner={runner.runner_id} class={silent ? 'silent' : ''}>
      <td class="mono">{runner.runner_id}</td>
      <td>{runner.region}</td>
      <AppliedCell applied={runner.applied_version} head={head} assigned={runner.assigned_version} />
      <td>
        <Badge text={runner.sync_state} tone={SYNC_TONES[runner.sync_state]} />
      </td>
      <td class="num">{formatDuration(runner.params_age_s)}</td>
      <td class="num">{`${formatDuration(secondsSince(runner.last_seen, at))} ago`}</td>
      <td class="num">{formatFigure(t.mid, 4)}</td>
      <td class="num">{formatSigned(t.inventory, 3)}</td>
      <td class={`num ${pnl !== null && pnl > 0 ? 'pos' : pnl !== null && pnl < 0 ? 'neg' : ''}`}>{formatSigned(pnl, 2)}</td>
      <td>
        {runner.rejected ? (
          <>
            <Badge text={`rejected v${runner.rejected.version}`} tone="bad" /> <span class="small">{runner.rejected.reason}</span>
          </>
        ) : null}
        {t.mode && t.mode !== 'active' ? (
          <>
            {' '}
            <Badge text={t.mode} tone={t.mode === 'halted' ? 'bad' : 'warn'} />
          </>
        ) : null}
        {silent ? (
          <>
            {' '}
            <Badge text={status} tone={status === 'stopped' ? 'warn' : 'bad'} />
          </>
        ) : null}
      </td>
    </tr>
  );
}

export function FleetCard({ fleet, head }: { fleet: FleetView; head: number | null }) {
  const last = fleet.last;
  const runners = last ? sortRunners(last.fleet.runners) : [];
  const shownHead = head ?? last?.fleet.version ?? null;
  const summary = fleet.error ? `Fleet unavailable: ${fleet.error}` : last ? fleetSummary(last.fleet, head, last.at) : '';
  return (
    <section class="card wide" id="fleet-card">
      <div class="head">
        <h2>Fleet</h2>
        <span class="muted small" id="fleet-summary">
          {summary}
        </span>
      </div>
      <table id="fleet-table">
        <thead>
          <tr>
            <th>Runner</th>
            <th>Region</th>
            <th>Applied version</th>
            <th>Sync state</th>
            <th class="num">Params age</th>
            <th class="num">Last seen</th>
            <th class="num">Mid</th>
            <th class="num">Inventory</th>
            <th class="num">P&amp;L</th>
            <th>Notes</th>
          </tr>
        </thead>
        <tbody>{last ? runners.map((r) => <FleetRow key={r.runner_id} runner={r} head={shownHead} at={last.at} />) : null}</tbody>
      </table>
      <p class="muted" id="fleet-empty" hidden={runners.length > 0}>
        No runner has reported for this set yet.
      </p>
    </section>
  );
}
