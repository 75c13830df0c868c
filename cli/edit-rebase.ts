/**
 * What `livetune edit` does when the set moved while the editor was open (412). Sending the whole
 * edited document again would silently revert every key a colleague changed meanwhile; what the
 * operator meant is their *changes* — the keys they edited relative to the version they opened. So:
 * the operator's changes (opened → edited), the colleague's (opened → new head), the keys both
 * changed, and the merge patch that re-applies just the operator's changes on the new head.
 */
import type { Version } from '../shared/api.ts';
import { formatValue } from '../shared/api-error.ts';
import { diffParams } from '../shared/merge-patch.ts';
import { terminalSafe } from './terminal-safe.ts';

export interface Change {
  key: string;
  from: unknown;
  to: unknown;
}

export interface EditRebase {
  /** What the operator changed: opened → edited. */
  mine: Change[];
  /** What happened meanwhile: opened → head. */
  theirs: Change[];
  /** Keys both changed: the colleague's value and the operator's (the patch writes the operator's). */
  both: { key: string; theirs: unknown; mine: unknown }[];
  /** The merge patch of the operator's changes that the head does not already have. */
  patch: Record<string, unknown>;
}

export function planEditRebase(opened: Version, edited: Record<string, unknown>, head: Version): EditRebase {
  const mine = diffParams(opened.params, edited);
  const theirs = diffParams(opened.params, head.params);
  const theirKeys = new Map(theirs.map((c) => [c.key, c.to]));
  const headParams = head.params as Record<string, unknown>;
  const both = mine.filter((c) => theirKeys.has(c.key)).map((c) => ({ key: c.key, theirs: theirKeys.get(c.key), mine: c.to }));
  const patch: Record<string, unknown> = {};
  for (const c of mine) {
    if (!Object.is(headParams[c.key], c.to))
      Object.defineProperty(patch, c.key, { value: c.to, enumerable: true, writable: true, configurable: true });
  }
  return { mine, theirs, both, patch };
}

/** A word the shell passes through unchanged, else the whole argument in single quotes. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_.,:=+/@%-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The `livetune set k=v … --if-version N -m … --set S` that re-applies `patch` on version N. */
export function setCommandFor(set: string, headVersion: number, patch: Record<string, unknown>, message: string): string {
  const assignments = Object.entries(patch).map(([key, value]) =>
    shellQuote(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`),
  );
  return ['livetune set', ...assignments, '--if-version', String(headVersion), '-m', shellQuote(message), '--set', set].join(' ');
}

/** The report for people: who moved the set, what they changed, what is yours, and the overlap. */
export function describeEditRebase(plan: EditRebase, opened: Version, head: Version): string {
  const list = (changes: readonly Change[]) =>
    changes.length === 0 ? ['  (none)'] : changes.map((c) => `  ${c.key}: ${formatValue(c.from)} → ${formatValue(c.to)}`);
  const lines = [
    `${head.set} changed while you were editing: you opened v${opened.version}, it is now v${head.version} (last written by ${terminalSafe(head.author)}: "${terminalSafe(head.message)}").`,
    `Changed meanwhile (v${opened.version} → v${head.version}):`,
    ...list(plan.theirs),
    `Your changes (to v${opened.version}):`,
    ...list(plan.mine),
  ];
  if (plan.both.length > 0) {
    lines.push('Changed by both (re-applying writes yours):');
    for (const b of plan.both) lines.push(`  ! ${b.key}: theirs ${formatValue(b.theirs)}, yours ${formatValue(b.mine)}`);
  }
  return lines.join('\n');
}
