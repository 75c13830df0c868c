import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { VersionSchema } from '../../shared/api.ts';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import { call, createSet, errorOf, freshSet, putParams, tagOf } from './helpers.ts';

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

describe('long-poll GET /v1/sets/:set/params?wait=S', () => {
  it('is held in the hub and answered 200 by a concurrent PUT', async () => {
    const set = freshSet();
    await createSet(set);
    const polling = call('GET', `/v1/sets/${set}/params?wait=30`, { headers: { 'If-None-Match': await tagOf(set, 1) } });
    // The poll is parked in the hub (not answered, not re-reading storage) before the write.
    await vi.waitUntil(() => runInDurableObject(hub(set), (instance: ParamsHub) => instance.waiters.size === 1), {
      timeout: 10_000,
      interval: 5,
    });
    const written = await putParams(set, 1, { adverse_selection_spread_scale: 4 }, 'wake up');
    expect(written.status).toBe(200);
    const res = await polling;
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe(await tagOf(set, 2));
    expect(VersionSchema.parse(await res.json())).toMatchObject({ version: 2, params: { adverse_selection_spread_scale: 4 } });
  });

  it('answers 304 when the wait elapses without a write', async () => {
    const set = freshSet();
    await createSet(set);
    // The hub runs in this isolate: fake timers stand in for the 30 s the wait would take. They are
    // advanced inside the hub, so the expired wait resolves in the hub's own I/O context.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const polling = call('GET', `/v1/sets/${set}/params?wait=30`, { headers: { 'If-None-Match': await tagOf(set, 1) } });
      await vi.waitUntil(() => runInDurableObject(hub(set), (instance: ParamsHub) => instance.waiters.size === 1), {
        timeout: 10_000,
        interval: 5,
      });
      await runInDurableObject(hub(set), () => vi.advanceTimersByTime(30_000));
      const res = await polling;
      expect(res.status).toBe(304);
      expect(res.headers.get('ETag')).toBe(await tagOf(set, 1));
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers at once with the current version when If-None-Match names an older one', async () => {
    const set = freshSet();
    await createSet(set);
    await putParams(set, 1, { skew_adjustment_factor: 1 });
    const res = await call('GET', `/v1/sets/${set}/params?wait=30`, { headers: { 'If-None-Match': await tagOf(set, 1) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe(await tagOf(set, 2));
  });

  it('answers 400 for a wait above 60 seconds or not a number', async () => {
    const set = freshSet();
    await createSet(set);
    for (const wait of ['61', 'abc', '-1']) {
      const res = await call('GET', `/v1/sets/${set}/params?wait=${wait}`, { headers: { 'If-None-Match': await tagOf(set, 1) } });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).message).toContain('wait');
    }
  });
});
