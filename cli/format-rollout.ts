/** A rollout for people: where it is, who has the candidate, each guardrail against its threshold, and its decisions. */
import type { GuardReading, Rollout, RolloutEvent, StageRunners } from '../shared/rollout.ts';
import { formatAge, formatTable, formatTime } from './format-table.ts';
import { terminalSafe } from './terminal-safe.ts';

export function describeRunners(runners: StageRunners): string {
  if ('regions' in runners) return `region ${runners.regions.join(', ')}`;
  if ('ids' in runners) return `runners ${runners.ids.join(', ')}`;
  return `${runners.percent}% of runners`;
}

function number(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return Number.isInteger(value) ? String(value) : value.toPrecision(4).replace(/\.?0+$/, '');
}

function readingRow(r: GuardReading): string[] {
  const name = r.control_n !== undefined ? `${r.metric} vs control` : r.metric;
  const n = r.control_n !== undefined ? `${r.n}/${r.control_n}` : String(r.n);
  return [name, number(r.value), `${r.bound === 'max' ? '<=' : '>='} ${number(r.threshold)}`, n, r.verdict, r.runner ?? ''];
}

/** One line per event: when, what, and the numbers that decided it. */
export function formatRolloutEvent(rollout: Pick<Rollout, 'id' | 'set'>, event: RolloutEvent): string {
  const detail = terminalSafe(JSON.stringify(event.detail), 'line');
  return `${formatTime(event.at)}  ${rollout.set} ${rollout.id}  ${event.kind.padEnd(11)} ${detail}`;
}

export function formatRollout(rollout: Rollout, now: number): string {
  const stage = rollout.stages[rollout.stage]!;
  const elapsed = (now - Date.parse(rollout.stage_started_at)) / 1000;
  const where =
    rollout.state === 'running' || rollout.state === 'paused'
      ? `stage ${rollout.stage + 1} of ${rollout.stages.length} (${describeRunners(stage.runners)}, bake ${formatAge(stage.bake_s)}, ${formatAge(elapsed)} in)`
      : `ended ${formatTime(rollout.ended_at)}${rollout.outcome_version !== null ? ` with v${rollout.outcome_version}` : ''}`;
  const lines = [
    `rollout ${rollout.id} · ${rollout.set} v${rollout.version} (control: v${rollout.base}) · ${rollout.state} · ${where}`,
    `by ${terminalSafe(rollout.author, 'line')} at ${formatTime(rollout.created_at)}: ${terminalSafe(JSON.stringify(rollout.message), 'line')} · on breach: ${rollout.on_breach}`,
    `stages: ${rollout.stages.map((s, i) => `${i + 1}. ${describeRunners(s.runners)} for ${formatAge(s.bake_s)}`).join(' → ')}`,
    `on the candidate: ${rollout.canary_runners.length === 0 ? '(no runner has applied it yet)' : rollout.canary_runners.join(', ')}`,
    '',
  ];
  const table =
    rollout.readings.length === 0
      ? 'no guardrails\n'
      : formatTable(['GUARDRAIL', 'VALUE', 'THRESHOLD', 'N', 'VERDICT', 'RUNNER'], rollout.readings.map(readingRow));
  return `${lines.join('\n')}\n${table}\nevents:\n${rollout.events.map((e) => formatRolloutEvent(rollout, e)).join('\n')}\n`;
}
