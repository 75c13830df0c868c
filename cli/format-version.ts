/** Readable renderings of a version: a one-line summary, the full document, a list of changes. */
import { formatValue } from '../shared/api-error.ts';
import type { Version } from '../shared/api.ts';
import { paramsHints } from '../shared/hints.ts';
import { PARAM_KEYS, PARAM_SPECS, describeAccepted } from '../shared/param-specs.ts';
import { formatNumber, formatTable, formatTime } from './format-table.ts';
import { terminalSafe } from './terminal-safe.ts';

/** `hype-perp v8 · rollback of v3 by alice at 2026-11-24 15:04:05Z: "undo the CPI widening"` */
export function versionSummary(v: Version): string {
  const kind = v.kind === 'rollback' && v.rollback_of ? `rollback to v${v.rollback_of}` : v.kind;
  // Author and message are anyone's words (a message may hold newlines): kept on this one line.
  return `${v.set} v${v.version} · ${kind} by ${terminalSafe(v.author)} at ${formatTime(v.created_at)}: "${terminalSafe(v.message)}"`;
}

export function formatChanges(changes: readonly { key: string; from: unknown; to: unknown }[]): string {
  if (changes.length === 0) return '  (no changes)\n';
  return changes.map((c) => terminalSafe(`  ${c.key}: ${formatValue(c.from)} → ${formatValue(c.to)}`)).join('\n') + '\n';
}

/** The whole document: every key, its value, what is accepted, whether it is the default. */
export function formatVersion(v: Version): string {
  const rows = PARAM_KEYS.map((key) => {
    const spec = PARAM_SPECS[key];
    const value = v.params[key];
    const note = Object.is(value, spec.default) ? '' : `  (default ${formatValue(spec.default)})`;
    return [key, formatValue(value), `${describeAccepted(spec)}${note}`];
  });
  const h = paramsHints(v.params);
  const hints =
    `taker liquidation starts at |Q| ≥ ${formatNumber(h.liquidation_start_inventory)} (${formatNumber(h.liquidation_start_ratio * 100, 3)}% of max_position); ` +
    `narrowest offset ${formatNumber(h.min_offset_bps)} bps per side`;
  return `${versionSummary(v)}\n\n${formatTable(['KEY', 'VALUE', 'ACCEPTED'], rows)}\n${hints}\n`;
}
