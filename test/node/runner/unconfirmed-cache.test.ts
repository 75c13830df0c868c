/**
 * A last-known-good cache from another edge history (a staging edge, an edge whose state was
 * wiped) can hold a higher version than the edge's head. "Versions only move forward" protects
 * what this process received from this edge, not what the cache says: the runner follows the
 * edge's fresh head, says so at error level and replaces the cache. A KV-mirror answer, or an older
 * answer while the held version came from this edge, still never moves a version backwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { etagFor } from '../../../shared/etag.ts';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { ParamsCache } from '../../../runner/cache/params-cache.ts';
import { ParamsHolder, type ParamsOrigin } from '../../../runner/params/params-holder.ts';
import { HttpSync } from '../../../runner/sync/http-sync.ts';
import { SyncHealth } from '../../../runner/sync/sync-health.ts';
import { VersionApplier, type ApplyOutcome } from '../../../runner/sync/version-applier.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { changed, ScriptedEdge, SET, LINEAGE } from '../helpers/runner-fixtures.ts';

let dir: string;
let sync: HttpSync | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livetune-unconfirmed-'));
});
afterEach(async () => {
  await sync?.stop();
  sync = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A long-poll sync whose holder (and cache file) already hold v`heldVersion` from `origin`. */
async function holding(heldVersion: number, origin: ParamsOrigin, heldLineage = LINEAGE) {
  const clock = new FakeClock();
  const edge = new ScriptedEdge();
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const cache = new ParamsCache({ dir, set: SET, clock });
  const held = {
    lineage: heldLineage,
    version: heldVersion,
    etag: etagFor(SET, heldLineage, heldVersion),
    params: { ...DEFAULT_PARAMS, order_size: 1.2 },
  };
  await cache.save(held);
  const holder = new ParamsHolder({ clock });
  holder.update(held.params, { version: held.version, lineage: held.lineage, etag: held.etag, origin });
  const outcomes: ApplyOutcome[] = [];
  const applier = new VersionApplier({ set: SET, holder, cache, logger, onOutcome: (o) => outcomes.push(o) });
  const health = new SyncHealth({ graceMs: 30_000, onError: 'halt', clock });
  health.markStartedOffline('started from the cache');
  sync = new HttpSync({
    mode: 'longpoll',
    edge,
    holder,
    applier,
    health,
    logger,
    clock,
    random: () => 0.5,
    backoff: { baseMs: 500, capMs: 30_000 },
    waitS: 25,
    intervalMs: 5000,
  });
  sync.start();
  return {
    clock,
    edge,
    cache,
    holder,
    applier,
    health,
    outcomes,
    errors: () => lines.filter((l) => l.level >= 50).map((l) => l.msg),
  };
}

describe('a cached version the edge does not know', () => {
  it("follows the edge's fresh head when the cache holds a higher version, says so and replaces the cache", async () => {
    const { edge, clock, cache, holder, applier, health, outcomes, errors } = await holding(12, 'cache');
    const first = await edge.nextCall();
    expect(first.options.etag).toBe(etagFor(SET, LINEAGE, 12));
    first.respond(changed(3, { trading_mode: 'halted' }));
    const next = await edge.nextCall();

    expect(outcomes).toEqual([{ kind: 'applied', version: 3, lineage: LINEAGE, etag: etagFor(SET, LINEAGE, 3) }]);
    expect(holder.snapshot()).toMatchObject({ version: 3, origin: 'edge' });
    expect(holder.get().trading_mode).toBe('halted');
    expect(errors()).toEqual([expect.stringMatching(/cache held v12 but the edge's head is v3.*following the edge/)]);
    // Long-polls again at once, on the edge's etag, not paced as if the answer were a late one.
    expect(next.options).toMatchObject({ etag: etagFor(SET, LINEAGE, 3), waitS: 25 });
    expect(clock.sleeps.filter((ms) => ms !== first.options.timeoutMs && ms !== next.options.timeoutMs)).toEqual([]);
    expect(health.state()).toBe('ready');
    await applier.flush();
    expect(await cache.load()).toMatchObject({ version: 3, etag: etagFor(SET, LINEAGE, 3), params: { trading_mode: 'halted' } });

    // From now on the held version is the edge's own: an older answer is a late one again.
    const paced = clock.nextSleep();
    next.respond(changed(2));
    expect(await paced).toBe(5000);
    expect(outcomes.at(-1)).toEqual({ kind: 'ignored', version: 2, lineage: LINEAGE, held: 3 });
    expect(holder.version).toBe(3);
  });

  it('keeps ignoring an older version when the held one came from this edge', async () => {
    const { edge, clock, cache, holder, applier, outcomes, errors } = await holding(12, 'edge');
    const sleep = clock.nextSleep();
    (await edge.nextCall()).respond(changed(3, { trading_mode: 'halted' }));
    expect(await sleep).toBe(5000);
    expect(outcomes).toEqual([{ kind: 'ignored', version: 3, lineage: LINEAGE, held: 12 }]);
    expect(holder.version).toBe(12);
    expect(errors()).toEqual([]);
    await applier.flush();
    expect((await cache.load())?.version).toBe(12);
  });

  it('never moves a cached version backwards on an answer from the KV mirror', async () => {
    const { edge, clock, cache, holder, applier, outcomes } = await holding(12, 'cache');
    const sleep = clock.nextSleep();
    (await edge.nextCall()).respond(changed(3, { trading_mode: 'halted' }, true));
    await sleep;
    expect(outcomes).toEqual([{ kind: 'ignored', version: 3, lineage: LINEAGE, held: 12 }]);
    expect(holder.snapshot()).toMatchObject({ version: 12, origin: 'cache' });
    await applier.flush();
    expect((await cache.load())?.version).toBe(12);
  });

  it('rejects an invalid head lower than the cached version instead of ignoring it, so the NACK reaches the edge', async () => {
    const { edge, clock, holder, applier, outcomes } = await holding(12, 'cache');
    const sleep = clock.nextSleep();
    (await edge.nextCall()).respond(changed(3, { max_position: 0 }));
    // Paced: the edge would answer the same head again at once.
    expect(await sleep).toBe(5000);
    expect(outcomes).toEqual([
      { kind: 'rejected', version: 3, lineage: LINEAGE, reason: expect.stringContaining('max_position') },
    ]);
    expect(holder.version).toBe(12);
    expect(applier.lastRejected?.version).toBe(3);
  });

  describe('from another lineage (a staging edge, a wiped or re-created set)', () => {
    const STAGING = 'staging-lineage-0001';

    it("adopts the edge's head with the same version number, says so and replaces the cache", async () => {
      const { edge, cache, holder, applier, outcomes, errors } = await holding(3, 'cache', STAGING);
      const first = await edge.nextCall();
      // The cache's own tag: the edge answers it with its head at once, since no tag of its lineage matches.
      expect(first.options).toMatchObject({ etag: etagFor(SET, STAGING, 3), waitS: 25 });
      first.respond(changed(3, { trading_mode: 'halted' }));
      const next = await edge.nextCall();
      expect(outcomes).toEqual([{ kind: 'applied', version: 3, lineage: LINEAGE, etag: etagFor(SET, LINEAGE, 3) }]);
      expect(holder.snapshot()).toMatchObject({ version: 3, lineage: LINEAGE, origin: 'edge' });
      expect(holder.get().trading_mode).toBe('halted');
      expect(errors()).toEqual([
        expect.stringMatching(/lineage staging-lineage-0001, but the edge's set is lineage test-lineage-0001/),
      ]);
      expect(next.options).toMatchObject({ etag: etagFor(SET, LINEAGE, 3), waitS: 25 });
      await applier.flush();
      expect(await cache.load()).toMatchObject({ lineage: LINEAGE, version: 3, etag: etagFor(SET, LINEAGE, 3) });
    });

    it('adopts a lower or higher number of the edge’s lineage alike, even from the KV mirror', async () => {
      for (const [answer, stale] of [
        [2, false],
        [9, true],
      ] as const) {
        const { edge, holder, applier, outcomes } = await holding(5, 'cache', STAGING);
        (await edge.nextCall()).respond(changed(answer, undefined, stale));
        while (outcomes.length === 0) await new Promise((resolve) => setImmediate(resolve));
        expect(outcomes).toEqual([expect.objectContaining({ kind: 'applied', version: answer, lineage: LINEAGE })]);
        expect(holder.lineage).toBe(LINEAGE);
        await applier.flush();
        await sync?.stop();
      }
    });

    it('keeps params this edge confirmed when only a late mirror answer names another lineage', async () => {
      const { edge, clock, holder, outcomes } = await holding(5, 'edge', STAGING);
      const sleep = clock.nextSleep();
      (await edge.nextCall()).respond(changed(9, undefined, true));
      await sleep;
      expect(outcomes).toEqual([{ kind: 'ignored', version: 9, lineage: LINEAGE, held: 5 }]);
      expect(holder.snapshot()).toMatchObject({ version: 5, lineage: STAGING });
    });
  });
});
