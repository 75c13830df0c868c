/**
 * The dashboard's controller against a fake edge, with a fake clock and an in-memory tab storage:
 * sign-in, the set from the URL, edits, conflicts, rollback and the live long-poll, as the operator
 * would see them in the store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeApi } from '../../../dashboard/src/api.ts';
import { BANNER_MS, DashboardController, type TokenStorage } from '../../../dashboard/src/controller.ts';
import type { DashboardState } from '../../../dashboard/src/dashboard-state.ts';
import { LONG_POLL_FLOOR_MS, TOKEN_REJECTED } from '../../../dashboard/src/live-loops.ts';
import { Store } from '../../../dashboard/src/store.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { errorResponse, DASHBOARD_LINEAGE } from './fixtures.ts';
import { FakeEdge } from './fake-edge.ts';

class MemoryStorage implements TokenStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

let controllers: DashboardController[] = [];
afterEach(() => {
  // Ends every long-poll and fleet loop a test started.
  for (const c of controllers) c.signOut();
  controllers = [];
});

function setup({
  sets,
  hash = '',
  preferences = new MemoryStorage(),
}: {
  sets?: Record<string, number>;
  hash?: string;
  preferences?: MemoryStorage;
} = {}) {
  const edge = new FakeEdge(sets);
  const store = new Store();
  const storage = new MemoryStorage();
  const clock = new FakeClock();
  const fragment = { value: hash, read: () => fragment.value, write: (h: string) => (fragment.value = h) };
  const controller = new DashboardController({
    store,
    storage,
    preferences,
    fragment,
    clock,
    createApi: (token) => new EdgeApi({ token, fetch: edge.fetch }),
  });
  controllers.push(controller);
  return { edge, store, storage, preferences, clock, fragment, controller };
}

/** Waits until the store satisfies `ready` (the controller's requests resolve on the microtask queue). */
async function until(store: Store, ready: (s: DashboardState) => boolean, what: string): Promise<DashboardState> {
  for (let i = 0; i < 200; i++) {
    if (ready(store.state)) return store.state;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`the store never showed ${what}: ${JSON.stringify(store.state).slice(0, 500)}`);
}

async function signedIn(options?: Parameters<typeof setup>[0]) {
  const t = setup(options);
  await t.controller.signIn(t.edge.token);
  await until(t.store, (s) => s.head !== null && s.history.versions.length > 0, 'the head and the history');
  return t;
}

describe('sign-in', () => {
  it('refuses a token the edge does not accept, says so, and forgets it', async () => {
    const { controller, store, storage } = setup();
    await controller.signIn('wrong');
    expect(store.state.session).toEqual({
      kind: 'signed-out',
      checking: false,
      error: 'This token was not accepted (401). Check it and try again.',
    });
    expect(storage.items.size).toBe(0);
  });

  it('keeps the token for the tab and opens the set named in the URL', async () => {
    const { store, storage, fragment, edge } = await signedIn({
      sets: { 'btc-usdt': 1, 'hype-perp': 3 },
      hash: '#set=hype-perp',
    });
    expect(storage.items.get('livetune.token')).toBe(edge.token);
    expect(store.state.set).toBe('hype-perp');
    expect(store.state.head?.version).toBe(3);
    expect(store.state.history.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(fragment.value).toBe('#set=hype-perp');
    expect(store.state.live).toEqual({ kind: 'live', stale: false });
  });

  it('opens the set used last in this browser on a fresh sign-in, else the first', async () => {
    const preferences = new MemoryStorage();
    const first = await signedIn({ sets: { 'btc-usdt': 1, 'hype-perp': 2 }, preferences });
    expect(first.store.state.set).toBe('btc-usdt');
    await first.controller.selectSet('hype-perp');
    first.controller.signOut();
    const again = await signedIn({ sets: { 'btc-usdt': 1, 'hype-perp': 2 }, preferences });
    expect(again.store.state.set).toBe('hype-perp');
  });

  it('signs in again with the kept token on start', async () => {
    const { controller, storage, store, edge } = setup();
    storage.setItem('livetune.token', edge.token);
    await controller.start();
    expect(store.state.session.kind).toBe('signed-in');
  });
});

describe('applying an edit', () => {
  it('sends nothing without a change message', async () => {
    const { controller, store, edge } = await signedIn();
    store.dispatch({ type: 'draft-changed', key: 'base_half_spread_bps', text: '8' });
    await controller.applyEdits();
    expect(store.state.editNotice).toMatchObject({ kind: 'text', tone: 'error' });
    expect(JSON.stringify(store.state.editNotice)).toContain('message is required');
    expect(edge.writes()).toEqual([]);
  });

  it('sends nothing the edge would refuse', async () => {
    const { controller, store, edge } = await signedIn();
    store.dispatch({ type: 'draft-changed', key: 'base_half_spread_bps', text: '5000' });
    store.dispatch({ type: 'message-changed', text: 'widen a lot' });
    await controller.applyEdits();
    expect(store.state.editNotice).toMatchObject({ kind: 'text', lines: ['Fix these first:'] });
    expect(JSON.stringify(store.state.editNotice)).toContain('(0, 1000]');
    expect(edge.writes()).toEqual([]);
  });

  it('sends a merge patch with If-Match and shows the new version', async () => {
    const { controller, store, edge, clock } = await signedIn();
    store.dispatch({ type: 'draft-changed', key: 'base_half_spread_bps', text: '8' });
    store.dispatch({ type: 'message-changed', text: 'widen: thin book' });
    await controller.applyEdits();
    expect(edge.writes()).toEqual([
      {
        method: 'PATCH',
        path: '/v1/sets/hype-perp/params',
        headers: expect.objectContaining({ 'if-match': `"hype-perp.${DASHBOARD_LINEAGE}.v2"` }),
        body: { params: { base_half_spread_bps: 8 }, message: 'widen: thin book' },
      },
    ]);
    expect(store.state.head?.version).toBe(3);
    expect(store.state.head?.params.base_half_spread_bps).toBe(8);
    expect(store.state.message).toBe('');
    expect(store.state.banner?.notice).toMatchObject({ tone: 'ok', lines: [expect.stringContaining('Applied as v3')] });
    await clock.advance(BANNER_MS);
    expect(store.state.banner).toBeNull();
  });

  it('keeps the edits and shows who got in first when the set moved (412)', async () => {
    const { controller, store, edge } = await signedIn();
    store.dispatch({ type: 'draft-changed', key: 'order_size', text: '0.2' });
    store.dispatch({ type: 'message-changed', text: 'smaller clips' });
    // Another operator's write lands between two long-polls: this write's If-Match is stale.
    edge.commit('hype-perp', { max_position: 4 }, { author: 'ci', message: 'bigger book' }, { quiet: true });
    await controller.applyEdits();
    expect(store.state.editNotice).toMatchObject({ kind: 'failure', failure: { status: 412 } });
    expect(store.state.head?.version).toBe(3);
    expect(store.state.drafts?.order_size).toEqual({ text: '0.2', touched: true });
    expect(store.state.drafts?.max_position).toEqual({ text: '4', touched: false });
  });
});

describe('what a token may do', () => {
  it('finds a write token able to write, without writing anything', async () => {
    const { store, edge } = await signedIn();
    await until(store, (s) => s.session.kind === 'signed-in' && s.session.access === 'write', 'write access');
    expect(edge.writes()).toEqual([]);
    expect(edge.sets.get('hype-perp')).toHaveLength(2);
  });

  it('finds a read token read-only', async () => {
    const t = setup();
    t.edge.scope = 'read';
    await t.controller.signIn(t.edge.token);
    await until(t.store, (s) => s.session.kind === 'signed-in' && s.session.access === 'read', 'read access');
  });
});

describe('the kill switch', () => {
  it('needs a reason, then halts with a merge patch of trading_mode alone, whatever was written meanwhile', async () => {
    const { controller, store, edge } = await signedIn();
    store.dispatch({ type: 'kill-opened' });
    await controller.confirmKillSwitch();
    expect(JSON.stringify(store.state.killSwitch?.error)).toContain('reason is required');
    expect(edge.writes()).toEqual([]);

    edge.commit('hype-perp', { order_size: 0.2 }, {}, { quiet: true });
    store.dispatch({ type: 'kill-reason', text: 'venue incident' });
    await controller.confirmKillSwitch();
    expect(edge.writes()).toEqual([
      expect.objectContaining({
        method: 'PATCH',
        headers: expect.objectContaining({ 'if-match': '*' }),
        body: { params: { trading_mode: 'halted' }, message: 'venue incident' },
      }),
    ]);
    expect(store.state.killSwitch).toBeNull();
    expect(store.state.head?.params).toMatchObject({ trading_mode: 'halted', order_size: 0.2 });
  });
});

describe('rollback', () => {
  it('shows what changes, needs a reason, then sends it and shows the new version', async () => {
    const { controller, store, edge } = await signedIn();
    edge.commit('hype-perp', { order_size: 0.2 });
    await until(store, (s) => s.head?.version === 3, 'v3 from the long-poll');
    await controller.openRollback(1);
    expect(store.state.rollback?.changes).toEqual({ kind: 'loaded', value: [{ key: 'order_size', from: 0.2, to: 0.3 }] });
    await controller.confirmRollback();
    expect(JSON.stringify(store.state.rollback?.error)).toContain('reason is required');
    expect(edge.writes()).toEqual([]);

    store.dispatch({ type: 'rollback-reason', text: 'markouts got worse' });
    await controller.confirmRollback();
    expect(edge.writes()).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v1/sets/hype-perp/rollback',
        body: { to: 1, message: 'markouts got worse' },
      }),
    ]);
    expect(store.state.rollback).toBeNull();
    expect(store.state.head).toMatchObject({ version: 4, kind: 'rollback', rollback_of: 1 });
  });
});

describe('staying live', () => {
  it('shows a change made elsewhere over pending edits, and sends nothing until the operator chose', async () => {
    const { controller, store, edge } = await signedIn();
    store.dispatch({ type: 'draft-changed', key: 'order_size', text: '0.25' });
    store.dispatch({ type: 'draft-changed', key: 'max_position', text: '5' });
    store.dispatch({ type: 'message-changed', text: 'smaller clips' });
    edge.commit('hype-perp', { max_position: 4, base_half_spread_bps: 7 }, { author: 'ci', message: 'bigger book' });
    const state = await until(store, (s) => s.head?.version === 3, 'v3 from the long-poll');
    expect(state.conflict).toMatchObject({
      base: { version: 2 },
      head: { version: 3, author: 'ci' },
      changes: [
        { key: 'base_half_spread_bps', from: 5, to: 7 },
        { key: 'max_position', from: 3, to: 4 },
      ],
    });
    expect(state.drafts?.order_size).toEqual({ text: '0.25', touched: true });

    // Apply is refused while the conflict is open: the edits are never rebased silently.
    await controller.applyEdits();
    expect(edge.writes()).toEqual([]);
    expect(JSON.stringify(store.state.editNotice)).toContain('v3 arrived while you were editing v2');

    // Re-apply: the operator's keys on v3 (If-Match of v3), the colleague's spread kept.
    await controller.reapplyEdits('edit');
    expect(edge.writes()).toEqual([
      expect.objectContaining({
        headers: expect.objectContaining({ 'if-match': '"hype-perp.dashboard-lineage.v3"' }),
        body: { params: { order_size: 0.25, max_position: 5 }, message: 'smaller clips' },
      }),
    ]);
    expect(store.state.head?.params).toMatchObject({ order_size: 0.25, max_position: 5, base_half_spread_bps: 7 });
    expect(store.state.conflict).toBeNull();
  });

  it('drops the pending edits and the conflict on discard', async () => {
    const { store, edge } = await signedIn();
    store.dispatch({ type: 'draft-changed', key: 'order_size', text: '0.25' });
    edge.commit('hype-perp', { order_size: 0.4 }, { author: 'ci', message: 'bigger clips' });
    await until(store, (s) => s.conflict !== null, 'the conflict');
    store.dispatch({ type: 'drafts-discarded' });
    expect(store.state.conflict).toBeNull();
    expect(store.state.drafts?.order_size).toEqual({ text: '0.4', touched: false });
  });

  it('moves a diff shown up to the current version on to the next one, unless "to" was pinned', async () => {
    const { controller, store, edge, clock } = await signedIn();
    await controller.showDiff(1, 2);
    edge.commit('hype-perp', { order_size: 0.2 });
    await until(
      store,
      (s) => s.diff?.kind === 'shown' && s.diff.to === 3 && s.diff.changes.kind === 'loaded',
      'the diff v1 → v3',
    );
    store.dispatch({ type: 'diff-picked', end: 'to', version: 2 });
    await controller.showDiff(1, 2);
    await clock.advance(LONG_POLL_FLOOR_MS);
    edge.commit('hype-perp', { order_size: 0.1 });
    await until(store, (s) => s.head?.version === 4 && s.history.versions[0]?.version === 4, 'v4');
    expect(store.state.diff).toMatchObject({ from: 1, to: 2 });
  });

  it('signs out when the edge stops accepting the token', async () => {
    const { store, edge, clock } = await signedIn();
    edge.fail('/v1/sets/hype-perp/params', () => errorResponse(401, 'unauthorized', 'revoked'));
    // The held long-poll answers with v3; the next one, a floor later, is refused.
    edge.commit('hype-perp', { order_size: 0.2 });
    await until(store, (s) => s.head?.version === 3, 'v3 from the long-poll');
    await clock.advance(LONG_POLL_FLOOR_MS);
    const state = await until(store, (s) => s.session.kind === 'signed-out', 'the login form');
    expect(state.session).toEqual({ kind: 'signed-out', checking: false, error: TOKEN_REJECTED });
  });
});
