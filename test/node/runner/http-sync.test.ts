/**
 * The long-poll / poll state machine against a scripted edge and a fake clock: for each answer
 * the test checks the state, the delay chosen before the next request, and what was applied,
 * rejected or reported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { etagFor } from '../../../shared/etag.ts';
import {
  NetworkError,
  RateLimitedError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  ForbiddenError,
} from '../../../client/edge-errors.ts';
import { ParamsHolder } from '../../../runner/params/params-holder.ts';
import { computeBackoff } from '../../../client/backoff.ts';
import { HttpSync } from '../../../runner/sync/http-sync.ts';
import { MIN_REQUEST_GAP_MS } from '../../../runner/sync/request-floor.ts';
import { SyncHealth } from '../../../runner/sync/sync-health.ts';
import { VersionApplier, type ApplyOutcome } from '../../../runner/sync/version-applier.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { changed, ScriptedEdge, SET, silentLogger, LINEAGE } from '../helpers/runner-fixtures.ts';

const backoff = { baseMs: 500, capMs: 30_000 };
/** Lets the sync loop handle an answer the test just gave (promise callbacks, no timers). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(mode: 'longpoll' | 'poll' = 'longpoll', graceMs = 30_000) {
  const clock = new FakeClock();
  const edge = new ScriptedEdge();
  const holder = new ParamsHolder({ clock });
  const outcomes: ApplyOutcome[] = [];
  const failures: string[] = [];
  const logger = silentLogger();
  const applier = new VersionApplier({ set: SET, holder, logger, onOutcome: (o) => outcomes.push(o) });
  const health = new SyncHealth({ graceMs, onError: 'reduce-only', clock });
  const sync = new HttpSync({
    mode,
    edge,
    holder,
    applier,
    health,
    logger,
    clock,
    random: () => 0.5,
    backoff,
    waitS: 25,
    intervalMs: 5000,
    onFailure: (r) => failures.push(r),
  });
  return { clock, edge, holder, applier, health, sync, outcomes, failures };
}

let current: ReturnType<typeof setup> | undefined;
function start(mode?: 'longpoll' | 'poll', graceMs?: number) {
  current = setup(mode, graceMs);
  current.sync.start();
  return current;
}
afterEach(async () => {
  await current?.sync.stop();
  current = undefined;
});

describe('HttpSync (long-poll)', () => {
  it('applies a 200 and long-polls again at once with If-None-Match and ?wait', async () => {
    const { edge, holder, health, clock, outcomes } = start();
    const first = await edge.nextCall();
    expect(first.options).toMatchObject({ etag: null, waitS: 25 });
    first.respond(changed(1, { adverse_selection_spread_scale: 1.5 }));
    const second = await edge.nextCall();
    expect(second.options).toMatchObject({ etag: etagFor(SET, LINEAGE, 1), waitS: 25 });
    expect(holder.get().adverse_selection_spread_scale).toBe(1.5);
    expect(health.state()).toBe('ready');
    expect(outcomes).toEqual([{ kind: 'applied', version: 1, lineage: LINEAGE, etag: etagFor(SET, LINEAGE, 1) }]);
    expect(clock.sleeps.filter((ms) => ms !== second.options.timeoutMs && ms !== first.options.timeoutMs)).toEqual([]);
  });

  it('gives each request a deadline longer than the long-poll wait', async () => {
    const { edge } = start();
    const call = await edge.nextCall();
    expect(call.options.timeoutMs).toBeGreaterThan(25_000);
  });

  it('asks again at once after a 304 the edge held for its wait, keeping the etag', async () => {
    const { edge, health, clock } = start();
    (await edge.nextCall()).respond(changed(3));
    const held = await edge.nextCall();
    await clock.advance(25_000);
    held.respond({ kind: 'not-modified', stale: false });
    const third = await edge.nextCall();
    expect(third.options.etag).toBe(etagFor(SET, LINEAGE, 3));
    expect(health.state()).toBe('ready');
    expect(clock.sleeps.filter((ms) => ms < 25_000)).toEqual([]);
  });

  it('waits the floor after a long-poll answered 304 at once (a proxy dropping ?wait), counted from the request start', async () => {
    const { edge, clock, health } = start();
    (await edge.nextCall()).respond(changed(3));
    const instant = await edge.nextCall();
    await clock.advance(300);
    const floor = clock.nextSleep();
    instant.respond({ kind: 'not-modified', stale: false });
    expect(await floor).toBe(MIN_REQUEST_GAP_MS - 300);
    expect(edge.calls).toHaveLength(2);
    await clock.advance(MIN_REQUEST_GAP_MS - 300);
    expect((await edge.nextCall()).options.etag).toBe(etagFor(SET, LINEAGE, 3));
    expect(health.state()).toBe('ready');
  });

  it('sends at most one request per floor to an edge that always answers 304 at once', async () => {
    const { edge, clock } = start();
    (await edge.nextCall()).respond(changed(3));
    const started = clock.now();
    for (let i = 0; i < 20; i++) {
      const call = await edge.nextCall();
      const sleep = clock.nextSleep();
      call.respond({ kind: 'not-modified', stale: false });
      await clock.advance(await sleep);
    }
    await edge.nextCall();
    // 21 requests after the first: 20 floors between them.
    expect(clock.now() - started).toBeGreaterThanOrEqual(20 * MIN_REQUEST_GAP_MS);
  });

  it('asks again at once after a long-poll that brought a newer version, however fast it came', async () => {
    const { edge, clock } = start();
    (await edge.nextCall()).respond(changed(3));
    (await edge.nextCall()).respond(changed(4));
    expect((await edge.nextCall()).options.etag).toBe(etagFor(SET, LINEAGE, 4));
    expect(clock.sleeps.filter((ms) => ms < 25_000)).toEqual([]);
  });

  it.each([
    ['401', new UnauthorizedError('unauthorized', '401 from edge: unknown token', { status: 401 })],
    ['403', new ForbiddenError('forbidden', '403 from edge: read scope needed', { status: 403 })],
  ])('stops syncing on %s and says the token was refused', async (_status, error) => {
    const { edge, health, sync } = start();
    (await edge.nextCall()).fail(error);
    await settle();
    await sync.stop();
    expect(edge.calls).toHaveLength(1);
    const view = health.view();
    expect(view.state).toBe('error');
    expect(view.reason).toMatch(/refused the token/);
    expect(view.reason).toMatch(/not an outage/);
    expect(view.policy).toBe('reduce_only');
  });

  it('waits Retry-After plus a small spread on a 429, never less', async () => {
    const { edge, clock, health, failures } = start();
    const sleep = clock.nextSleep();
    (await edge.nextCall()).fail(new RateLimitedError('429 from edge', { status: 429, retryAfterMs: 7000 }));
    // random = 0.5: 7000 + 0.5 × min(7000, 1000) × 0.5.
    const delay = await sleep;
    expect(delay).toBe(7250);
    expect(delay).toBeGreaterThanOrEqual(7000);
    expect(delay).toBeLessThanOrEqual(7500);
    expect(health.state()).toBe('stale');
    expect(failures).toEqual(['rate-limited']);
    await clock.advance(7249);
    expect(edge.calls).toHaveLength(1);
    await clock.advance(1);
    await edge.nextCall();
    expect(edge.calls).toHaveLength(2);
  });

  it('backs off with full jitter on 5xx, growing per attempt and reset by a success', async () => {
    const { edge, clock, health } = start();
    let sleep = clock.nextSleep();
    (await edge.nextCall()).fail(new ServerError('503 from edge', { status: 503 }));
    expect(await sleep).toBe(computeBackoff(0, backoff, () => 0.5));
    await clock.advance(250);
    sleep = clock.nextSleep();
    (await edge.nextCall()).fail(new NetworkError('network', 'ECONNREFUSED'));
    expect(await sleep).toBe(computeBackoff(1, backoff, () => 0.5));
    expect(health.state()).toBe('stale');
    await clock.advance(500);
    (await edge.nextCall()).respond(changed(1));
    await settle();
    expect(health.state()).toBe('ready');
    sleep = clock.nextSleep();
    (await edge.nextCall()).fail(new ServerError('500 from edge', { status: 500 }));
    expect(await sleep).toBe(250);
  });

  it('honours Retry-After on a 503 too', async () => {
    const { edge, clock } = start();
    const sleep = clock.nextSleep();
    (await edge.nextCall()).fail(new ServerError('503', { status: 503, retryAfterMs: 12_000 }));
    expect(await sleep).toBe(12_250);
  });

  it('backs off by at least the base delay on Retry-After: 0 instead of spinning', async () => {
    const { edge, clock } = start();
    const sleep = clock.nextSleep();
    (await edge.nextCall()).fail(new ServerError('503', { status: 503, retryAfterMs: 0 }));
    expect(await sleep).toBeGreaterThanOrEqual(backoff.baseMs);
  });

  it('treats a timed-out request as a failure to retry with backoff', async () => {
    const { edge, clock, health, failures } = start();
    const sleep = clock.nextSleep();
    (await edge.nextCall()).fail(new TimeoutError('timeout', 'no answer within 35000 ms'));
    expect(await sleep).toBe(250);
    expect(health.state()).toBe('stale');
    expect(failures).toEqual(['timeout']);
  });

  it('treats a garbage body as a failure and keeps the held params', async () => {
    const { edge, clock, holder, health, failures } = start();
    (await edge.nextCall()).respond(changed(1));
    const sleep = clock.nextSleep();
    (await edge.nextCall()).respond({
      kind: 'changed',
      received: { kind: 'malformed', reason: 'body is not JSON ("<html>")' },
      etag: null,
      stale: false,
    });
    expect(await sleep).toBe(250);
    expect(holder.version).toBe(1);
    expect(health.state()).toBe('stale');
    expect(failures).toEqual(['bad-response']);
  });

  it('rejects a version with invalid params, keeps the held params and does not fetch it again', async () => {
    const { edge, holder, applier, outcomes, health } = start();
    (await edge.nextCall()).respond(changed(1, { adverse_selection_spread_scale: 1 }));
    (await edge.nextCall()).respond(changed(2, { skew_adjustment_factor: 9 }));
    const next = await edge.nextCall();
    expect(holder.version).toBe(1);
    expect(holder.get().adverse_selection_spread_scale).toBe(1);
    expect(outcomes[1]).toMatchObject({ kind: 'rejected', version: 2 });
    expect(applier.lastRejected).toMatchObject({
      version: 2,
      reason: expect.stringContaining('skew_adjustment_factor = 9 is not accepted: expected a finite number in [0, 2]'),
    });
    // The edge is reachable; the rejection is reported, not an outage.
    expect(health.state()).toBe('ready');
    // If-None-Match names the rejected version, so the edge holds the next poll instead of resending it.
    expect(next.options.etag).toBe(etagFor(SET, LINEAGE, 2));
    next.respond(changed(3, { adverse_selection_spread_scale: 3 }));
    await edge.nextCall();
    expect(holder.version).toBe(3);
    expect(applier.lastRejected).toBeNull();
  });

  it('reports a NACK once per version when the edge sends the same rejected version on every answer, and floors the requests', async () => {
    const { edge, clock, outcomes, applier } = start();
    (await edge.nextCall()).respond(changed(1));
    // The first answer carrying v2 brings news (the rejection): the next request goes at once.
    (await edge.nextCall()).respond(changed(2, { skew_adjustment_factor: 9 }));
    for (let i = 0; i < 4; i++) {
      const call = await edge.nextCall();
      const sleep = clock.nextSleep();
      call.respond(changed(2, { skew_adjustment_factor: 9 }));
      expect(await sleep).toBe(MIN_REQUEST_GAP_MS);
      await clock.advance(MIN_REQUEST_GAP_MS);
    }
    await edge.nextCall();
    expect(outcomes.filter((o) => o.kind === 'rejected')).toEqual([
      { kind: 'rejected', version: 2, lineage: LINEAGE, reason: expect.stringContaining('skew_adjustment_factor') },
    ]);
    expect(outcomes.filter((o) => o.kind === 'ignored')).toHaveLength(4);
    expect(applier.lastRejected).toMatchObject({ version: 2 });
  });

  it('does not fetch a rejected version again when its answer came without an ETag (a proxy stripped it)', async () => {
    const { edge, holder, outcomes } = start();
    (await edge.nextCall()).respond(changed(1, { adverse_selection_spread_scale: 1 }));
    const rejected = changed(2, { skew_adjustment_factor: 9 });
    if (rejected.kind !== 'changed') throw new Error('expected a 200');
    (await edge.nextCall()).respond({ ...rejected, etag: null });
    const next = await edge.nextCall();
    expect(outcomes[1]).toMatchObject({ kind: 'rejected', version: 2 });
    expect(holder.version).toBe(1);
    // The etag is derived from (set, version): the next long-poll is held, not answered with v2 again.
    expect(next.options).toMatchObject({ etag: etagFor(SET, LINEAGE, 2), waitS: 25 });
  });

  it('ignores a late answer carrying an older version and paces the next request', async () => {
    const { edge, holder, clock, outcomes } = start();
    (await edge.nextCall()).respond(changed(5, { adverse_selection_spread_scale: 5 }));
    const sleep = clock.nextSleep();
    (await edge.nextCall()).respond(changed(3, { adverse_selection_spread_scale: 3 }));
    expect(await sleep).toBe(5000);
    expect(holder.version).toBe(5);
    expect(holder.get().adverse_selection_spread_scale).toBe(5);
    expect(outcomes.map((o) => o.kind)).toEqual(['applied', 'ignored']);
  });

  it('moves from stale to error after the grace period and recovers on the next answer', async () => {
    const { edge, clock, health } = start('longpoll', 10_000);
    (await edge.nextCall()).respond(changed(1));
    // 250 + 500 + 1000 ms of backoff: still inside the 10 s grace period.
    for (let i = 0; i < 3; i++) {
      const sleep = clock.nextSleep();
      (await edge.nextCall()).fail(new NetworkError('network', 'ECONNREFUSED'));
      await clock.advance(await sleep);
    }
    expect(health.view()).toMatchObject({ state: 'stale', policy: 'normal' });
    await clock.advance(10_000);
    expect(health.view()).toMatchObject({ state: 'error', policy: 'reduce_only' });
    expect(health.view().reason).toMatch(/unreachable for more than 10 s/);
    (await edge.nextCall()).respond({ kind: 'not-modified', stale: false });
    await edge.nextCall();
    expect(health.view()).toMatchObject({ state: 'ready', policy: 'normal' });
  });

  it('after a failure asks without ?wait first, so a returning edge is seen at once, then long-polls again', async () => {
    const { edge, clock, health } = start('longpoll', 10_000);
    (await edge.nextCall()).respond(changed(1));
    const sleep = clock.nextSleep();
    (await edge.nextCall()).fail(new NetworkError('network', 'ECONNRESET'));
    await clock.advance(await sleep);
    expect(health.state()).toBe('stale');
    const probe = await edge.nextCall();
    expect(probe.options).toMatchObject({ etag: etagFor(SET, LINEAGE, 1), waitS: 0 });
    const floor = clock.nextSleep();
    probe.respond({ kind: 'not-modified', stale: false });
    await clock.advance(await floor);
    const resumed = await edge.nextCall();
    expect(health.state()).toBe('ready');
    expect(resumed.options).toMatchObject({ etag: etagFor(SET, LINEAGE, 1), waitS: 25 });
  });

  it('paces like a poll while the edge answers from its KV mirror', async () => {
    const { edge, clock } = start();
    (await edge.nextCall()).respond(changed(1));
    const sleep = clock.nextSleep();
    (await edge.nextCall()).respond({ kind: 'not-modified', stale: true });
    expect(await sleep).toBe(5000);
  });
});

describe('HttpSync (poll)', () => {
  it('sends plain conditional GETs every interval', async () => {
    const { edge, clock } = start('poll');
    const first = await edge.nextCall();
    expect(first.options.waitS).toBe(0);
    const sleep = clock.nextSleep();
    first.respond(changed(1));
    expect(await sleep).toBe(5000);
    await clock.advance(5000);
    const second = await edge.nextCall();
    expect(second.options).toMatchObject({ etag: etagFor(SET, LINEAGE, 1), waitS: 0 });
  });
});
