/** The page's long-poll and fleet poll, on a fake clock: how fast they go, and how they back off. */
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeApi } from '../../../dashboard/src/api.ts';
import { initialDashboardState } from '../../../dashboard/src/dashboard-state.ts';
import {
  FLEET_POLL_MS,
  LONG_POLL_FLOOR_MS,
  type LiveContext,
  MAX_RETRY_MS,
  PERF_POLL_MS,
  TOKEN_REJECTED,
  fleetLoop,
  paramsLoop,
  rolloutLoop,
  retryDelayMs,
} from '../../../dashboard/src/live-loops.ts';
import { Store } from '../../../dashboard/src/store.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { type Call, errorResponse, fleet, scriptedFetch, version, versionResponse, DASHBOARD_LINEAGE } from './fixtures.ts';

const loops: AbortController[] = [];
afterEach(() => {
  for (const l of loops.splice(0)) l.abort();
});

function context(route: (call: Call) => Response | Promise<Response>) {
  const { fetch, calls } = scriptedFetch(route);
  const store = new Store({ ...initialDashboardState({ kind: 'signed-in', sets: [], access: 'write' }), set: 'hype-perp' });
  const clock = new FakeClock();
  const signedOut: string[] = [];
  const ctx: LiveContext = {
    store,
    api: new EdgeApi({ token: 't', fetch }),
    clock,
    set: 'hype-perp',
    acceptHead: ({ version: v, etag }) => store.dispatch({ type: 'head-received', version: v, etag }),
    signOut: (reason) => signedOut.push(reason),
  };
  const loop = new AbortController();
  loops.push(loop);
  return { ctx, calls, clock, store, signedOut, signal: loop.signal };
}

describe('retry delays', () => {
  it('double from 1 s and stop at the cap', () => {
    expect([1, 2, 3, 4, 5, 10].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, MAX_RETRY_MS, MAX_RETRY_MS]);
  });
});

describe('the params long-poll', () => {
  it('takes each new version and asks again with its ETag, never faster than the floor', async () => {
    let n = 1;
    const { ctx, calls, clock, store, signal } = context(() => versionResponse(version(n++)));
    void paramsLoop(ctx, signal);
    expect(await clock.nextSleep()).toBe(LONG_POLL_FLOOR_MS);
    expect(store.state.head?.version).toBe(1);
    expect(store.state.live).toEqual({ kind: 'live', stale: false });
    const next = clock.nextSleep();
    await clock.advance(LONG_POLL_FLOOR_MS);
    expect(await next).toBe(LONG_POLL_FLOOR_MS);
    expect(calls.map((c) => c.headers['if-none-match'])).toEqual([undefined, `"hype-perp.${DASHBOARD_LINEAGE}.v1"`]);
    expect(calls[1]?.path).toBe('/v1/sets/hype-perp/params?wait=25');
    expect(store.state.head?.version).toBe(2);
  });

  it('backs off on the clock while the edge is unreachable, and says so', async () => {
    let up = false;
    const { ctx, clock, store, signal } = context(() =>
      up ? versionResponse(version(1)) : Promise.reject(new TypeError('fetch failed')),
    );
    void paramsLoop(ctx, signal);
    expect(await clock.nextSleep()).toBe(1000);
    expect(store.state.live).toEqual({ kind: 'down', why: 'the edge could not be reached' });
    const second = clock.nextSleep();
    await clock.advance(1000);
    expect(await second).toBe(2000);
    up = true;
    const third = clock.nextSleep();
    await clock.advance(2000);
    expect(await third).toBe(LONG_POLL_FLOOR_MS);
    expect(store.state.live).toEqual({ kind: 'live', stale: false });
  });

  it('hands a rejected token to sign-out and stops', async () => {
    const { ctx, calls, signedOut, signal } = context(() => errorResponse(401, 'unauthorized', 'revoked'));
    await paramsLoop(ctx, signal);
    expect(signedOut).toEqual([TOKEN_REJECTED]);
    expect(calls).toHaveLength(1);
  });
});

describe('the fleet poll', () => {
  it('refreshes the table every FLEET_POLL_MS of the clock and keeps the last table on a failure', async () => {
    let fail = false;
    const { ctx, calls, clock, store, signal } = context(() =>
      fail ? errorResponse(503, 'unavailable', 'hub down') : Response.json(fleet('hype-perp', 1, [1])),
    );
    void fleetLoop(ctx, signal);
    expect(await clock.nextSleep()).toBe(FLEET_POLL_MS);
    expect(store.state.fleet.last?.fleet.runners).toHaveLength(1);
    expect(store.state.fleet.last?.at).toBe(clock.now());
    fail = true;
    const next = clock.nextSleep();
    await clock.advance(FLEET_POLL_MS);
    await next;
    expect(calls).toHaveLength(2);
    expect(store.state.fleet.error).toBe('hub down');
    expect(store.state.fleet.last?.fleet.runners).toHaveLength(1);
  });
});

describe('the rollout poll', () => {
  const rollout = {
    id: 'r3',
    set: 'hype-perp',
    version: 3,
    base: 2,
    state: 'running',
    stage: 0,
    stage_started_at: '2026-11-24T15:00:00.000Z',
    created_at: '2026-11-24T15:00:42.000Z',
    author: 'ops',
    message: 'wider, eu first',
    stages: [{ runners: { regions: ['eu-west-1'] }, bake_s: 600 }],
    guardrails: [{ metric: 'drawdown', max: 20 }],
    on_breach: 'rollback',
    outcome_version: null,
    ended_at: null,
    readings: [{ metric: 'drawdown', verdict: 'ok', value: 3, threshold: 20, bound: 'max', n: 1, runner: 'fra-1' }],
    evaluated_at: null,
    canary_runners: ['fra-1'],
    events: [{ at: '2026-11-24T15:00:00.000Z', kind: 'started', detail: { version: 3 } }],
  };

  /** A `perf?by=version` answer with the candidate's and the control's minute of trading. */
  const perf = {
    set: 'hype-perp',
    by: 'version',
    from: rollout.created_at,
    to: '2026-11-24T15:10:00.000Z',
    bucket_s: 60,
    groups: [],
    versions: [],
    retention: { minute_hours: 48, hour_days: 90, rows: 0, max_rows: 200_000, evicted_rows: 0 },
  };

  function edgeWith(current: () => Record<string, unknown>) {
    return context((call) =>
      call.path.includes('/perf?') ? Response.json(perf) : Response.json({ set: 'hype-perp', rollouts: [current()] }),
    );
  }

  it('shows the newest rollout, refreshed with the fleet, and its canary-vs-control figures since it started', async () => {
    const { ctx, calls, clock, store, signal } = edgeWith(() => rollout);
    void rolloutLoop(ctx, signal);
    expect(await clock.nextSleep()).toBe(FLEET_POLL_MS);
    expect(calls.map((c) => c.path)).toEqual([
      '/v1/sets/hype-perp/rollouts?limit=1',
      `/v1/sets/hype-perp/perf?by=version&from=${encodeURIComponent('2026-11-24T15:00:00.000Z')}&bucket=1m`,
    ]);
    expect(store.state.rollout.last).toMatchObject({ id: 'r3', state: 'running', canary_runners: ['fra-1'] });
    expect(store.state.rollout.perf).toMatchObject({ by: 'version', bucket_s: 60 });
    // The rollout is refreshed with the fleet; its figures (rollups by the minute) only every PERF_POLL_MS.
    for (let t = FLEET_POLL_MS; t < PERF_POLL_MS; t += FLEET_POLL_MS) {
      const sleep = clock.nextSleep();
      await clock.advance(FLEET_POLL_MS);
      await sleep;
    }
    expect(calls.filter((c) => c.path.includes('/perf?'))).toHaveLength(1);
    expect(calls.filter((c) => c.path.includes('/rollouts?')).length).toBeGreaterThan(5);
    const sleep = clock.nextSleep();
    await clock.advance(FLEET_POLL_MS);
    await sleep;
    expect(calls.filter((c) => c.path.includes('/perf?'))).toHaveLength(2);
  });

  it("reads an ended rollout's figures once more, then leaves them", async () => {
    let current: Record<string, unknown> = rollout;
    const { ctx, calls, clock, signal } = edgeWith(() => current);
    void rolloutLoop(ctx, signal);
    await clock.nextSleep();
    current = { ...rollout, state: 'promoted', ended_at: '2026-11-24T15:05:00.000Z', outcome_version: 3 };
    for (let i = 0; i < 12; i++) {
      const sleep = clock.nextSleep();
      await clock.advance(FLEET_POLL_MS);
      await sleep;
    }
    // Once while running, once at the end (sooner than PERF_POLL_MS), never again.
    expect(calls.filter((c) => c.path.includes('/perf?'))).toHaveLength(2);
    expect(calls.filter((c) => c.path.includes('/rollouts?'))).toHaveLength(13);
  });

  it('stops quietly against an edge without rollouts (404)', async () => {
    const { ctx, calls, store, signal } = context(() => errorResponse(404, 'not_found', 'no route'));
    await rolloutLoop(ctx, signal);
    expect(calls).toHaveLength(1);
    expect(store.state.rollout).toEqual({ last: null, error: null, perf: null });
  });
});
