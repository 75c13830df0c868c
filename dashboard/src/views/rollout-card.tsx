/**
 * The set's newest rollout: its stages and where it is, who runs the candidate, each guardrail's
 * live value against its threshold, the canary against the control group per minute (5 s markout,
 * P&L, inventory; a marker at each of the rollout's decisions), its decisions, and promote/abort for
 * a write token. Shown only once the set has had a rollout.
 */
import { useMemo } from 'preact/hooks';
import type { PerfAnswer } from '../../../shared/perf.ts';
import type { GuardReading, Rollout, RolloutState, StageRunners } from '../../../shared/rollout.ts';
import type { DashboardController } from '../controller.ts';
import type { RolloutDecisionDialog as RolloutDecision } from '../dashboard-state.ts';
import type { Dispatch } from '../store.ts';
import { formatDuration, formatFigure, formatTime } from '../format.ts';
import { ROLLOUT_CHARTS, canaryAndControl, startMinute } from '../perf-series.ts';
import { Badge, type Tone } from './notice-view.tsx';
import { RolloutDecisionDialog } from './rollout-decision-dialog.tsx';
import { PerfChartGrid } from './perf-chart-grid.tsx';
import { PALETTE } from './uplot-chart.tsx';

const STATE_TONES: Record<RolloutState, Tone> = {
  running: 'info',
  paused: 'warn',
  promoted: 'ok',
  rolled_back: 'bad',
  aborted: 'warn',
};
const VERDICT_TONES: Record<GuardReading['verdict'], Tone> = { ok: 'ok', breach: 'bad', insufficient: 'info' };

function who(runners: StageRunners): string {
  if ('regions' in runners) return `region ${runners.regions.join(', ')}`;
  if ('ids' in runners) return `runners ${runners.ids.join(', ')}`;
  return `${runners.percent}% of runners`;
}

function ReadingRow({ reading: r }: { reading: GuardReading }) {
  return (
    <tr data-metric={r.metric}>
      <td class="mono">{r.control_n !== undefined ? `${r.metric} vs control` : r.metric}</td>
      <td class="num">{r.value === null ? '-' : formatFigure(r.value, 3)}</td>
      <td class="num">{`${r.bound === 'max' ? '≤' : '≥'} ${r.threshold}`}</td>
      <td class="num">{r.control_n !== undefined ? `${r.n} / ${r.control_n}` : r.n}</td>
      <td>
        <Badge text={r.verdict} tone={VERDICT_TONES[r.verdict]} /> <span class="small">{r.runner ?? ''}</span>
      </td>
    </tr>
  );
}

/** The canary solid red, the control dashed blue, whatever order they came in. */
const canaryLook = (label: string) => {
  const canary = label.startsWith('canary');
  return { label, color: PALETTE[canary ? 1 : 0]!, dashed: !canary };
};

/** Canary against control since the rollout started, one chart per figure; the rollout's events as markers. */
function CanaryCharts({ rollout, perf }: { rollout: Rollout; perf: PerfAnswer | null }) {
  // The rollout is a new object at each refresh (every 1.5 s); the charts change with the figures or
  // the events (which only grow: their count says when they changed).
  const { id, version, base, created_at, ended_at, events } = rollout;
  const eventCount = events.length;
  const view = useMemo(() => {
    if (perf === null) return null;
    const start = startMinute(created_at);
    return {
      answer: canaryAndControl(perf, { version, base }),
      markers: events.slice(0, eventCount).map((e) => ({ x: Date.parse(e.at) / 1000, label: e.kind })),
      xRange: [start / 1000, Math.max(Date.parse(ended_at ?? perf.to), start + 60_000) / 1000] as const,
    };
  }, [id, version, base, created_at, ended_at, eventCount, perf]);
  if (view === null) return null;
  if (view.answer.groups.length === 0)
    return (
      <p class="muted small" id="rollout-charts-empty">
        No trading figures for the candidate or the control group yet.
      </p>
    );
  return (
    <PerfChartGrid
      {...view}
      charts={ROLLOUT_CHARTS}
      idPrefix="rollout-chart-"
      titleSuffix=": canary vs control"
      look={canaryLook}
      gridId="rollout-charts"
    />
  );
}

export function RolloutCard({
  rollout,
  perf,
  error,
  writable,
  decision,
  controller,
  dispatch,
}: {
  rollout: Rollout | null;
  perf: PerfAnswer | null;
  error: string | null;
  writable: boolean;
  decision: RolloutDecision | null;
  controller: DashboardController;
  dispatch: Dispatch;
}) {
  if (rollout === null) return null;
  const active = rollout.state === 'running' || rollout.state === 'paused';
  return (
    <section class="card wide" id="rollout-card" data-rollout={rollout.id}>
      <div class="head">
        <h2>{`Rollout ${rollout.id}`}</h2>
        <span>
          <Badge text={rollout.state} tone={STATE_TONES[rollout.state]} />{' '}
          <span class="muted small">{`v${rollout.version} (control v${rollout.base}) · by ${rollout.author}: "${rollout.message}"${error ? ` · not fresh: ${error}` : ''}`}</span>
        </span>
      </div>
      <ol id="rollout-stages">
        {rollout.stages.map((stage, i) => (
          <li key={i} class={active && i === rollout.stage ? 'current' : ''}>
            {`${who(stage.runners)}, bake ${formatDuration(stage.bake_s)}`}
            {active && i === rollout.stage ? <Badge text="current" tone="info" /> : null}
          </li>
        ))}
      </ol>
      <p class="small" id="rollout-canaries">
        {`On the candidate: ${rollout.canary_runners.length === 0 ? 'no runner yet' : rollout.canary_runners.join(', ')}`}
      </p>
      {rollout.readings.length > 0 ? (
        <table id="rollout-guardrails">
          <thead>
            <tr>
              <th>Guardrail</th>
              <th>Value</th>
              <th>Threshold</th>
              <th>Samples</th>
              <th>Verdict</th>
            </tr>
          </thead>
          <tbody>
            {rollout.readings.map((r) => (
              <ReadingRow key={r.metric} reading={r} />
            ))}
          </tbody>
        </table>
      ) : null}
      <CanaryCharts rollout={rollout} perf={perf} />
      <ul class="small" id="rollout-events">
        {rollout.events.slice(-8).map((e, i) => (
          <li key={i}>
            <strong>{e.kind}</strong> {formatTime(e.at)} <span class="mono">{JSON.stringify(e.detail)}</span>
          </li>
        ))}
      </ul>
      {active && writable ? (
        <div class="actions">
          <button
            type="button"
            id="rollout-promote"
            onClick={() => dispatch({ type: 'decision-opened', id: rollout.id, action: 'promote' })}
          >
            {rollout.stage + 1 < rollout.stages.length ? 'Promote to the next stage' : 'Promote to every runner'}
          </button>{' '}
          <button
            type="button"
            class="danger"
            id="rollout-abort"
            onClick={() => dispatch({ type: 'decision-opened', id: rollout.id, action: 'abort' })}
          >
            Abort (roll back everywhere)
          </button>
        </div>
      ) : null}
      <RolloutDecisionDialog
        dialog={decision?.id === rollout.id ? decision : null}
        lastStage={rollout.stage + 1 >= rollout.stages.length}
        controller={controller}
        dispatch={dispatch}
      />
    </section>
  );
}
