/**
 * Everything the page shows, as one value, and every way it changes, as one pure function
 * (`reduceDashboard`). Side effects (requests, timers, storage) live in the controller, which only
 * dispatches events; the views only read this state. Tested without a browser.
 */
import type { FieldIssue } from '../../shared/api-error.ts';
import type { Fleet, SetSummary, Version } from '../../shared/api.ts';
import type { Rollout } from '../../shared/rollout.ts';
import { diffParams } from '../../shared/merge-patch.ts';
import type { CompareAnswer, PerfAnswer } from '../../shared/perf.ts';
import type { ParamKey } from '../../shared/param-specs.ts';
import type { FailureInfo } from './api-failure.ts';
import { type Drafts, followDrafts } from './edits.ts';

/** Something to tell the operator: plain lines, or a failure of the edge in `context`. */
export type Notice =
  | { kind: 'text'; tone: 'error' | 'info' | 'ok'; lines: string[]; items?: string[] }
  | { kind: 'failure'; context: string; failure: FailureInfo };

export function textNotice(tone: 'error' | 'info' | 'ok', lines: string[], items?: string[]): Notice {
  return items ? { kind: 'text', tone, lines, items } : { kind: 'text', tone, lines };
}

export function failureNotice(context: string, failure: FailureInfo): Notice {
  return { kind: 'failure', context, failure };
}

/**
 * What the token may do: `read` tokens (viewers, runners) get a page without edit controls; `unknown`
 * until the edge answered the scope probe (edit controls stay hidden meanwhile).
 */
export type Access = 'unknown' | 'read' | 'write';

export type Session =
  | { kind: 'signed-out'; checking: boolean; error: string | null }
  | { kind: 'signed-in'; sets: SetSummary[]; access: Access };

export type Live = { kind: 'connecting' } | { kind: 'live'; stale: boolean } | { kind: 'down'; why: string };

/** The last fleet table the edge sent (and when), and why the latest refresh failed, if it did. */
export interface FleetView {
  last: { fleet: Fleet; at: number } | null;
  error: string | null;
}

export type Loadable<T> = { kind: 'loading' } | { kind: 'loaded'; value: T } | { kind: 'failed'; failure: FailureInfo };

export interface DiffEntry {
  key: string;
  from: unknown;
  to: unknown;
}

/** The diff card's result: two versions compared, or a request to pick two. */
export type DiffView = { kind: 'pick-two' } | { kind: 'shown'; from: number; to: number; changes: Loadable<DiffEntry[]> };

/** The confirmation dialog of a rollback to `target`. */
export interface RollbackDialog {
  target: number;
  /** The version being replaced (the head when the dialog opened). */
  from: number;
  changes: Loadable<DiffEntry[]>;
  reason: string;
  error: Notice | null;
  busy: boolean;
}

/** Promote or abort a rollout behind a confirmation with a required reason (sent as the decision's message). */
export interface RolloutDecisionDialog {
  id: string;
  action: 'promote' | 'abort';
  reason: string;
  error: Notice | null;
  busy: boolean;
}

/** The kill switch's confirmation: PATCH trading_mode=halted, with its own required reason. */
export interface KillSwitchDialog {
  reason: string;
  error: Notice | null;
  busy: boolean;
}

/**
 * A colleague's version arrived while the operator had pending edits. The edits are kept but not
 * sent on top of it until the operator says so (re-apply) or drops them (discard): `base` is the
 * version they were editing, `head` the newest, `changes` what happened in between.
 */
export interface EditConflict {
  base: Version;
  head: Version;
  changes: DiffEntry[];
}

/**
 * Trading figures: per region as time series (the charts), per version as totals (the table), and
 * the comparison the operator asked for. The last answers stay on screen when a refresh fails.
 */
export interface PerfView {
  regions: PerfAnswer | null;
  versions: PerfAnswer | null;
  error: string | null;
  compare: { a: number; b: number; answer: Loadable<CompareAnswer> } | null;
}

export interface DashboardState {
  session: Session;
  set: string | null;
  head: Version | null;
  /** The ETag of `head`: If-Match of every write, If-None-Match of the long-poll. */
  etag: string | null;
  live: Live;
  fleet: FleetView;
  perf: PerfView;
  /**
   * The set's newest rollout (null: none yet), why the latest refresh failed if it did, and the
   * trading figures of its candidate and control versions since it started (per minute), for the
   * canary-vs-control charts.
   */
  rollout: { last: Rollout | null; error: string | null; perf: PerfAnswer | null };
  history: { versions: Version[]; nextBefore: number | null; failure: FailureInfo | null };
  /** The edit form, one draft per key; null until the set's first version arrived. */
  drafts: Drafts | null;
  /** Field messages of the edge's last 422, shown on the rows until the next edit. */
  edgeIssues: Partial<Record<string, string>>;
  message: string;
  editNotice: Notice | null;
  json: { text: string; touched: boolean; notice: Notice | null };
  /** A write or rollback is in flight. */
  busy: boolean;
  /** The versions the operator picked to compare; null: the newest two. */
  diffPick: { from: number | null; to: number | null };
  diff: DiffView | null;
  rollback: RollbackDialog | null;
  killSwitch: KillSwitchDialog | null;
  rolloutDecision: RolloutDecisionDialog | null;
  conflict: EditConflict | null;
  banner: { id: number; notice: Notice } | null;
  /** The name of the signing key loaded for this page (the key itself stays in the controller). */
  signingKey: string | null;
}

export type DashboardEvent =
  | { type: 'sign-in-started' }
  | { type: 'sign-in-failed'; error: string }
  | { type: 'signed-in'; sets: SetSummary[] }
  | { type: 'access-known'; access: Access }
  | { type: 'signed-out'; reason: string | null }
  | { type: 'set-selected'; set: string }
  | { type: 'head-received'; version: Version; etag: string }
  | { type: 'live-changed'; live: Live }
  | { type: 'fleet-loaded'; fleet: Fleet; at: number }
  | { type: 'fleet-failed'; message: string }
  | { type: 'perf-loaded'; regions: PerfAnswer; versions: PerfAnswer }
  | { type: 'perf-failed'; message: string }
  | { type: 'compare-started'; a: number; b: number }
  | { type: 'compare-finished'; a: number; b: number; answer: Loadable<CompareAnswer> }
  | { type: 'rollout-loaded'; rollout: Rollout | null }
  | { type: 'rollout-perf-loaded'; id: string; perf: PerfAnswer }
  | { type: 'rollout-failed'; message: string }
  | { type: 'history-loaded'; versions: Version[]; nextBefore: number | null; append: boolean }
  | { type: 'history-failed'; failure: FailureInfo }
  | { type: 'draft-changed'; key: ParamKey; text: string }
  | { type: 'drafts-discarded' }
  | { type: 'message-changed'; text: string }
  | { type: 'json-changed'; text: string }
  | { type: 'edit-notice'; notice: Notice | null }
  | { type: 'json-notice'; notice: Notice | null }
  | { type: 'write-started' }
  | { type: 'write-succeeded'; form: 'edit' | 'json' }
  | { type: 'write-failed'; form: 'edit' | 'json'; notice: Notice; issues: FieldIssue[] }
  | { type: 'diff-picked'; end: 'from' | 'to'; version: number }
  | { type: 'diff-needs-two' }
  | { type: 'diff-started'; from: number; to: number }
  | { type: 'diff-finished'; from: number; to: number; changes: Loadable<DiffEntry[]> }
  | { type: 'rollback-opened'; target: number }
  | { type: 'rollback-diff'; target: number; changes: Loadable<DiffEntry[]> }
  | { type: 'rollback-reason'; text: string }
  | { type: 'rollback-started' }
  | { type: 'rollback-failed'; notice: Notice }
  | { type: 'rollback-closed' }
  | { type: 'decision-opened'; id: string; action: 'promote' | 'abort' }
  | { type: 'decision-reason'; text: string }
  | { type: 'decision-started' }
  | { type: 'decision-failed'; notice: Notice }
  | { type: 'decision-closed' }
  | { type: 'kill-opened' }
  | { type: 'kill-reason'; text: string }
  | { type: 'kill-started' }
  | { type: 'kill-failed'; notice: Notice }
  | { type: 'kill-closed' }
  | { type: 'conflict-accepted' }
  | { type: 'banner-shown'; id: number; notice: Notice }
  | { type: 'banner-expired'; id: number }
  | { type: 'banner-cleared' }
  | { type: 'signing-key-changed'; name: string | null };

export function initialDashboardState(session: Session = { kind: 'signed-out', checking: false, error: null }): DashboardState {
  return {
    session,
    set: null,
    head: null,
    etag: null,
    live: { kind: 'connecting' },
    fleet: { last: null, error: null },
    perf: { regions: null, versions: null, error: null, compare: null },
    rollout: { last: null, error: null, perf: null },
    history: { versions: [], nextBefore: null, failure: null },
    drafts: null,
    edgeIssues: {},
    message: '',
    editNotice: null,
    json: { text: '', touched: false, notice: null },
    busy: false,
    diffPick: { from: null, to: null },
    diff: null,
    rollback: null,
    killSwitch: null,
    rolloutDecision: null,
    conflict: null,
    banner: null,
    signingKey: null,
  };
}

/** The two versions the diff card compares: the operator's picks while they exist, else the newest two. */
/** The token may write: edit controls, rollback and the kill switch are shown. */
export function canWrite(state: DashboardState): boolean {
  return state.session.kind === 'signed-in' && state.session.access === 'write';
}

/**
 * The two versions the diff card compares. "to" is the current version unless the operator pinned
 * an older one (picking the current version again means "follow it"), so it moves with new versions.
 */
export function diffSelection(state: DashboardState): { from: number | null; to: number | null } {
  const versions = state.history.versions.map((v) => v.version);
  const pick = (wanted: number | null, fallback: number | undefined) =>
    wanted !== null && versions.includes(wanted) ? wanted : (fallback ?? null);
  return { from: pick(state.diffPick.from, versions[1] ?? versions[0]), to: pick(state.diffPick.to, versions[0]) };
}

/** Whether the operator typed in any field of the form. */
export function hasTouchedDrafts(state: DashboardState): boolean {
  return state.drafts !== null && Object.values(state.drafts).some((d) => d.touched);
}

/** A newer version while edits are pending: the conflict to show (its base is kept across several). */
function conflictAfter(state: DashboardState, version: Version): EditConflict | null {
  const pending = hasTouchedDrafts(state) || state.json.touched;
  const previous = state.head;
  if (!pending || !previous || version.version <= previous.version) return state.conflict;
  const base = state.conflict?.base ?? previous;
  return { base, head: version, changes: diffParams(base.params, version.params) };
}

function receiveHead(state: DashboardState, version: Version, etag: string): DashboardState {
  // A late answer for the set the operator left, or an older version than the one shown: ignore it.
  if (version.set !== state.set) return state;
  if (state.head && version.version < state.head.version) return state;
  return {
    ...state,
    conflict: conflictAfter(state, version),
    head: version,
    etag,
    drafts: followDrafts(state.drafts, version.params),
    json: state.json.touched ? state.json : { ...state.json, text: JSON.stringify(version.params, null, 2) },
  };
}

export function reduceDashboard(state: DashboardState, event: DashboardEvent): DashboardState {
  switch (event.type) {
    case 'sign-in-started':
      return { ...state, session: { kind: 'signed-out', checking: true, error: null } };
    case 'sign-in-failed':
      return { ...state, session: { kind: 'signed-out', checking: false, error: event.error } };
    case 'signed-in':
      return { ...state, session: { kind: 'signed-in', sets: event.sets, access: 'unknown' } };
    case 'access-known':
      return state.session.kind === 'signed-in' ? { ...state, session: { ...state.session, access: event.access } } : state;
    case 'signed-out':
      // Nothing of the session survives: the next sign-in starts from a blank page.
      return initialDashboardState({ kind: 'signed-out', checking: false, error: event.reason });
    case 'set-selected':
      return { ...initialDashboardState(state.session), set: event.set, signingKey: state.signingKey };
    case 'signing-key-changed':
      return { ...state, signingKey: event.name };
    case 'head-received':
      return receiveHead(state, event.version, event.etag);
    case 'live-changed':
      return { ...state, live: event.live };
    case 'fleet-loaded':
      return { ...state, fleet: { last: { fleet: event.fleet, at: event.at }, error: null } };
    case 'fleet-failed':
      // The last table stays on screen; the summary says it is not fresh.
      return { ...state, fleet: { ...state.fleet, error: event.message } };
    case 'perf-loaded':
      return { ...state, perf: { ...state.perf, regions: event.regions, versions: event.versions, error: null } };
    case 'perf-failed':
      return { ...state, perf: { ...state.perf, error: event.message } };
    case 'compare-started':
      return { ...state, perf: { ...state.perf, compare: { a: event.a, b: event.b, answer: { kind: 'loading' } } } };
    case 'compare-finished': {
      // Only the answer to the latest request counts.
      const shown = state.perf.compare;
      if (shown?.a !== event.a || shown.b !== event.b) return state;
      return { ...state, perf: { ...state.perf, compare: { ...shown, answer: event.answer } } };
    }
    case 'rollout-loaded': {
      // The charts' figures belong to one rollout: a newer one starts without them.
      const perf = event.rollout !== null && event.rollout.id === state.rollout.last?.id ? state.rollout.perf : null;
      return { ...state, rollout: { last: event.rollout, error: null, perf } };
    }
    case 'rollout-perf-loaded':
      if (state.rollout.last?.id !== event.id) return state;
      return { ...state, rollout: { ...state.rollout, perf: event.perf } };
    case 'rollout-failed':
      return { ...state, rollout: { ...state.rollout, error: event.message } };
    case 'history-loaded': {
      const versions = event.append ? [...state.history.versions, ...event.versions] : event.versions;
      return { ...state, history: { versions, nextBefore: event.nextBefore, failure: null } };
    }
    case 'history-failed':
      return { ...state, history: { ...state.history, failure: event.failure } };
    case 'draft-changed': {
      if (!state.drafts) return state;
      const { [event.key]: _cleared, ...edgeIssues } = state.edgeIssues;
      return { ...state, drafts: { ...state.drafts, [event.key]: { text: event.text, touched: true } }, edgeIssues };
    }
    case 'drafts-discarded':
      return {
        ...state,
        drafts: state.head ? followDrafts(null, state.head.params) : null,
        json: state.head ? { text: JSON.stringify(state.head.params, null, 2), touched: false, notice: null } : state.json,
        edgeIssues: {},
        editNotice: null,
        conflict: null,
      };
    case 'conflict-accepted':
      return { ...state, conflict: null };
    case 'message-changed':
      return { ...state, message: event.text };
    case 'json-changed':
      return { ...state, json: { ...state.json, text: event.text, touched: true } };
    case 'edit-notice':
      return { ...state, editNotice: event.notice };
    case 'json-notice':
      return { ...state, json: { ...state.json, notice: event.notice } };
    case 'write-started':
      return { ...state, busy: true };
    case 'write-succeeded': {
      const written = { ...state, busy: false, message: '', conflict: null };
      if (event.form === 'json') return { ...written, json: { ...state.json, touched: false, notice: null } };
      return { ...reduceDashboard(written, { type: 'drafts-discarded' }), editNotice: null };
    }
    case 'write-failed': {
      const failed = { ...state, busy: false };
      const edgeIssues: Partial<Record<string, string>> = {};
      for (const issue of event.issues) edgeIssues[issue.field] = issue.message || issue.expected;
      if (event.form === 'json') return { ...failed, edgeIssues, json: { ...state.json, notice: event.notice } };
      return { ...failed, edgeIssues, editNotice: event.notice };
    }
    case 'diff-picked': {
      // Picking the current version as "to" is following it, not pinning it.
      const follow = event.end === 'to' && event.version === state.history.versions[0]?.version;
      return { ...state, diffPick: { ...state.diffPick, [event.end]: follow ? null : event.version } };
    }
    case 'diff-needs-two':
      return { ...state, diff: { kind: 'pick-two' } };
    case 'diff-started':
      return { ...state, diff: { kind: 'shown', from: event.from, to: event.to, changes: { kind: 'loading' } } };
    case 'diff-finished':
      // Only the answer to the latest request counts.
      if (state.diff?.kind !== 'shown' || state.diff.from !== event.from || state.diff.to !== event.to) return state;
      return { ...state, diff: { ...state.diff, changes: event.changes } };
    case 'rollback-opened':
      if (!state.head) return state;
      return {
        ...state,
        rollback: {
          target: event.target,
          from: state.head.version,
          changes: { kind: 'loading' },
          reason: '',
          error: null,
          busy: false,
        },
      };
    case 'rollback-diff':
      if (state.rollback?.target !== event.target) return state;
      return { ...state, rollback: { ...state.rollback, changes: event.changes } };
    case 'rollback-reason':
      return state.rollback ? { ...state, rollback: { ...state.rollback, reason: event.text } } : state;
    case 'rollback-started':
      return state.rollback ? { ...state, busy: true, rollback: { ...state.rollback, busy: true, error: null } } : state;
    case 'rollback-failed':
      return state.rollback
        ? { ...state, busy: false, rollback: { ...state.rollback, busy: false, error: event.notice } }
        : state;
    case 'rollback-closed':
      return state.rollback ? { ...state, busy: false, rollback: null } : state;
    case 'decision-opened':
      return { ...state, rolloutDecision: { id: event.id, action: event.action, reason: '', error: null, busy: false } };
    case 'decision-reason':
      return state.rolloutDecision ? { ...state, rolloutDecision: { ...state.rolloutDecision, reason: event.text } } : state;
    case 'decision-started':
      return state.rolloutDecision ? { ...state, rolloutDecision: { ...state.rolloutDecision, busy: true, error: null } } : state;
    case 'decision-failed':
      return state.rolloutDecision
        ? { ...state, rolloutDecision: { ...state.rolloutDecision, busy: false, error: event.notice } }
        : state;
    case 'decision-closed':
      return state.rolloutDecision ? { ...state, rolloutDecision: null } : state;
    case 'kill-opened':
      return state.head ? { ...state, killSwitch: { reason: '', error: null, busy: false } } : state;
    case 'kill-reason':
      return state.killSwitch ? { ...state, killSwitch: { ...state.killSwitch, reason: event.text } } : state;
    case 'kill-started':
      return state.killSwitch ? { ...state, killSwitch: { ...state.killSwitch, busy: true, error: null } } : state;
    case 'kill-failed':
      return state.killSwitch ? { ...state, killSwitch: { ...state.killSwitch, busy: false, error: event.notice } } : state;
    case 'kill-closed':
      return state.killSwitch ? { ...state, killSwitch: null } : state;
    case 'banner-shown':
      return { ...state, banner: { id: event.id, notice: event.notice } };
    case 'banner-expired':
      return state.banner?.id === event.id ? { ...state, banner: null } : state;
    case 'banner-cleared':
      return { ...state, banner: null };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
