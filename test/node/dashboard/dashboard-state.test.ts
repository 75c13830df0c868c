/** The dashboard's state transitions, without a browser: what the page shows after each event. */
import { describe, expect, it } from 'vitest';
import {
  type DashboardEvent,
  type DashboardState,
  diffSelection,
  hasTouchedDrafts,
  initialDashboardState,
  reduceDashboard,
} from '../../../dashboard/src/dashboard-state.ts';
import { etagFor } from '../../../shared/etag.ts';
import { version, DASHBOARD_LINEAGE } from './fixtures.ts';

const signedIn = initialDashboardState({ kind: 'signed-in', sets: [], access: 'write' });
const run = (state: DashboardState, ...events: DashboardEvent[]) => events.reduce(reduceDashboard, state);
const onSet = (set = 'hype-perp') => run(signedIn, { type: 'set-selected', set });
const head = (n: number, params = {}) => ({
  type: 'head-received' as const,
  version: version(n, { params }),
  etag: etagFor('hype-perp', DASHBOARD_LINEAGE, n),
});

describe('the head version', () => {
  it('is replaced by newer versions only', () => {
    const state = run(onSet(), head(3), head(2));
    expect(state.head?.version).toBe(3);
    expect(state.etag).toBe(`"hype-perp.${DASHBOARD_LINEAGE}.v3"`);
    expect(run(state, head(4)).head?.version).toBe(4);
  });

  it('ignores a late answer for a set the operator left', () => {
    const state = run(onSet('btc-usdt'), head(3));
    expect(state.head).toBeNull();
  });

  it('moves the inputs the operator did not touch and keeps the ones they did', () => {
    const state = run(
      onSet(),
      head(1),
      { type: 'draft-changed', key: 'order_size', text: '0.25' },
      head(2, { order_size: 0.1, max_position: 5 }),
    );
    expect(state.drafts?.order_size).toEqual({ text: '0.25', touched: true });
    expect(state.drafts?.max_position).toEqual({ text: '5', touched: false });
    expect(hasTouchedDrafts(state)).toBe(true);
    expect(hasTouchedDrafts(run(state, { type: 'drafts-discarded' }))).toBe(false);
  });

  it('refreshes the JSON document unless the operator is editing it', () => {
    const fresh = run(onSet(), head(1));
    expect(JSON.parse(fresh.json.text)).toEqual(version(1).params);
    const editing = run(fresh, { type: 'json-changed', text: '{"order_size": 1}' }, head(2, { order_size: 0.1 }));
    expect(editing.json.text).toBe('{"order_size": 1}');
  });
});

describe('writes', () => {
  it("shows the edge's 422 on the rows it names until that field is edited", () => {
    const failure = { status: 422, code: 'validation_failed', message: 'no', fields: [], details: {} };
    const issues = [{ field: 'order_size', expected: 'a finite number > 0', message: 'order_size = 9 is not accepted' }];
    const state = run(
      onSet(),
      head(1),
      { type: 'write-started' },
      {
        type: 'write-failed',
        form: 'edit',
        notice: { kind: 'failure', context: 'refused', failure },
        issues,
      },
    );
    expect(state.busy).toBe(false);
    expect(state.edgeIssues).toEqual({ order_size: 'order_size = 9 is not accepted' });
    expect(state.editNotice?.kind).toBe('failure');
    expect(run(state, { type: 'draft-changed', key: 'order_size', text: '1' }).edgeIssues).toEqual({});
  });

  it('clears the form and the message after an applied edit', () => {
    const state = run(
      onSet(),
      head(1),
      { type: 'draft-changed', key: 'order_size', text: '0.2' },
      { type: 'message-changed', text: 'smaller' },
      { type: 'write-started' },
      { type: 'write-succeeded', form: 'edit' },
    );
    expect(state.message).toBe('');
    expect(state.busy).toBe(false);
    expect(hasTouchedDrafts(state)).toBe(false);
  });
});

describe('picking another set', () => {
  it('starts from a blank page for that set and keeps the session', () => {
    const busy = run(onSet(), head(2), { type: 'banner-shown', id: 1, notice: { kind: 'text', tone: 'ok', lines: ['done'] } });
    const state = run(busy, { type: 'set-selected', set: 'btc-usdt' });
    expect(state).toEqual({ ...initialDashboardState(signedIn.session), set: 'btc-usdt' });
  });

  it('signing out forgets everything and says why', () => {
    const state = run(onSet(), head(2), { type: 'signed-out', reason: 'token rejected' });
    expect(state).toEqual(initialDashboardState({ kind: 'signed-out', checking: false, error: 'token rejected' }));
  });
});

describe('diff and rollback', () => {
  it('compares the newest two versions until the operator picks others', () => {
    const loaded = run(onSet(), {
      type: 'history-loaded',
      versions: [version(4), version(3), version(2)],
      nextBefore: null,
      append: false,
    });
    expect(diffSelection(loaded)).toEqual({ from: 3, to: 4 });
    const picked = run(loaded, { type: 'diff-picked', end: 'from', version: 2 });
    expect(diffSelection(picked)).toEqual({ from: 2, to: 4 });
    const older = run(picked, { type: 'history-loaded', versions: [version(1)], nextBefore: null, append: true });
    expect(older.history.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
  });

  it('shows only the answer to the latest diff request', () => {
    const state = run(
      onSet(),
      { type: 'diff-started', from: 1, to: 2 },
      { type: 'diff-started', from: 2, to: 3 },
      { type: 'diff-finished', from: 1, to: 2, changes: { kind: 'loaded', value: [] } },
    );
    expect(state.diff).toEqual({ kind: 'shown', from: 2, to: 3, changes: { kind: 'loading' } });
  });

  it('opens the rollback dialog from the version shown, and closes it', () => {
    const open = run(onSet(), head(3), { type: 'rollback-opened', target: 1 });
    expect(open.rollback).toMatchObject({ target: 1, from: 3, changes: { kind: 'loading' }, reason: '' });
    const changes = [{ key: 'order_size', from: 0.2, to: 0.3 }];
    const shown = run(open, { type: 'rollback-diff', target: 1, changes: { kind: 'loaded', value: changes } });
    expect(shown.rollback?.changes).toEqual({ kind: 'loaded', value: changes });
    expect(run(shown, { type: 'rollback-closed' }).rollback).toBeNull();
  });
});

describe('a rollout decision', () => {
  it('opens for one rollout and action, keeps the reason, shows a refusal, and closes', () => {
    const opened = run(onSet(), { type: 'decision-opened', id: 'r2', action: 'abort' });
    expect(opened.rolloutDecision).toEqual({ id: 'r2', action: 'abort', reason: '', error: null, busy: false });
    const typed = run(opened, { type: 'decision-reason', text: 'canary lost money' }, { type: 'decision-started' });
    expect(typed.rolloutDecision).toMatchObject({ reason: 'canary lost money', busy: true });
    const notice = { kind: 'text' as const, tone: 'error' as const, lines: ['refused'] };
    const refused = run(typed, { type: 'decision-failed', notice });
    expect(refused.rolloutDecision).toMatchObject({ reason: 'canary lost money', busy: false, error: notice });
    expect(run(refused, { type: 'decision-closed' }).rolloutDecision).toBeNull();
  });
});

describe('banners', () => {
  it('expire only if no newer banner replaced them', () => {
    const ok = { kind: 'text' as const, tone: 'ok' as const, lines: ['applied'] };
    const state = run(onSet(), { type: 'banner-shown', id: 1, notice: ok }, { type: 'banner-shown', id: 2, notice: ok });
    expect(run(state, { type: 'banner-expired', id: 1 }).banner?.id).toBe(2);
    expect(run(state, { type: 'banner-expired', id: 2 }).banner).toBeNull();
  });
});
