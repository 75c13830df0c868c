/**
 * The edit form's rules, without a DOM: how a typed value is read, which keys an edit changes, and
 * whether the edge would accept the result. Acceptance is decided by `validateParams` of shared/,
 * the very function the edge runs on a write, applied to what the edge would store (the current
 * version with the merge patch applied), so the page and the edge cannot disagree on a range.
 */
import type { FieldIssue } from '../../shared/api-error.ts';
import { MessageSchema } from '../../shared/api.ts';
import { applyMergePatch } from '../../shared/merge-patch.ts';
import { PARAM_KEYS, PARAM_SPECS, type ParamKey, type ParamSpec, describeAccepted } from '../../shared/param-specs.ts';
import type { Params } from '../../shared/params-schema.ts';
import { validateParams } from '../../shared/validate-params.ts';
import { formatParamValue } from './format.ts';

/** What the form holds per key: the text of its input, and whether the operator typed in it. */
export interface Draft {
  text: string;
  touched: boolean;
}
export type Drafts = Record<ParamKey, Draft>;

// Plain decimal notation only: `Number('')` is 0 and `Number('0x10')` is 16, neither what was meant.
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Reads an input: a number for a numeric key when it is written as one, otherwise the text (which then fails). */
export function parseInput(raw: string, spec: ParamSpec): unknown {
  const text = raw.trim();
  if (spec.kind === 'number') return DECIMAL.test(text) ? Number(text) : text;
  return text;
}

/** Untouched drafts show `params`; touched ones keep what the operator typed. */
export function followDrafts(drafts: Drafts | null, params: Params): Drafts {
  const next = {} as Drafts;
  for (const key of PARAM_KEYS) {
    const draft = drafts?.[key];
    next[key] = draft?.touched ? draft : { text: formatParamValue(params[key]), touched: false };
  }
  return next;
}

/** The merge patch the form holds: the keys whose input differs from `params`. */
export function collectPatch(drafts: Drafts, params: Params): Partial<Record<ParamKey, unknown>> {
  const patch: Partial<Record<ParamKey, unknown>> = {};
  for (const key of PARAM_KEYS) {
    const value = parseInput(drafts[key].text, PARAM_SPECS[key]);
    // `!==`, not Object.is: -0 typed over 0 is no change (the edge stores -0 as 0).
    if (value !== params[key]) patch[key] = value;
  }
  return patch;
}

/** The form checked against the current params: its merge patch, and what the edge would say about it. */
export interface EditCheck {
  patch: Partial<Record<ParamKey, unknown>>;
  /** One issue per offending field of the document the edge would store; empty when it would accept it. */
  issues: FieldIssue[];
  /** That document, when the form holds at least one change and the edge would accept it. */
  next: Params | null;
}

export function checkEdits(drafts: Drafts, params: Params): EditCheck {
  const patch = collectPatch(drafts, params);
  const result = validateParams(applyMergePatch(params, patch));
  if (!result.ok) return { patch, issues: result.issues, next: null };
  return { patch, issues: [], next: Object.keys(patch).length > 0 ? result.params : null };
}

/** What the edge would say about a whole document (a PUT: absent keys take their defaults). */
export function checkDocument(doc: unknown): FieldIssue[] {
  const result = validateParams(doc);
  return result.ok ? [] : result.issues;
}

/** The change message, trimmed, or undefined when the edge would refuse it (empty, too long). */
export function readMessage(text: string): string | undefined {
  const result = MessageSchema.safeParse(text);
  return result.success ? result.data : undefined;
}

/** "[0, 2]", "> 0", "active | reduce_only | halted": the accepted values without the words, for the table. */
export function compactAccepted(spec: ParamSpec): string {
  if (spec.kind === 'enum') return spec.values.join(' | ');
  return describeAccepted(spec).replace(/^a finite number (in )?/, '');
}

/** "order_size 0.3 → 0.2": one pending change in words. */
export function describeChange(key: string, from: unknown, to: unknown): string {
  return `${key} ${formatParamValue(from)} → ${formatParamValue(to)}`;
}
