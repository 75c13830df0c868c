import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { HEADER_STALE, VersionSchema } from '../../shared/api.ts';
import { createApp } from '../../edge/app.ts';
import type { HubStub } from '../../edge/hub/hub-for.ts';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import { createKeyedBuckets, createTokenBucket } from '../../edge/hub/token-bucket.ts';
import { headMirrorKey, versionKey } from '../../edge/kv-keys.ts';
import { ORIGIN, WRITE_TOKEN, call, createSet, errorOf, freshSet, putParams, tagOf, lineageOf } from './helpers.ts';

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

/** A KV namespace that fails every put, and counts the puts it saw per key. */
function kvThat({ fails, puts }: { fails: boolean; puts?: Map<string, number> }): KVNamespace {
  const real = env.VERSIONS;
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'put') {
        return async (key: string, value: string) => {
          puts?.set(key, (puts.get(key) ?? 0) + 1);
          if (fails) throw new Error('KV PUT failed: 503 (injected)');
          return target.put(key, value);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('storage', () => {
  it('writes every version to KV under set/<set>/v/<n>', async () => {
    const set = freshSet();
    await createSet(set, { adverse_selection_spread_scale: 2 });
    await putParams(set, 1, { adverse_selection_spread_scale: 3 });
    const v1 = VersionSchema.parse(await env.VERSIONS.get(versionKey(set, await lineageOf(set), 1), 'json'));
    const v2 = VersionSchema.parse(await env.VERSIONS.get(versionKey(set, await lineageOf(set), 2), 'json'));
    expect([v1.params.adverse_selection_spread_scale, v2.params.adverse_selection_spread_scale]).toEqual([2, 3]);
  });

  it('answers 503 and leaves the head unchanged when KV fails mid-write', async () => {
    const set = freshSet();
    await createSet(set, { adverse_selection_spread_scale: 2 });
    await runInDurableObject(hub(set), (instance: ParamsHub) => {
      instance.kv = kvThat({ fails: true });
    });
    const res = await putParams(set, 1, { adverse_selection_spread_scale: 9 }, 'during an outage');
    expect(res.status).toBe(503);
    expect((await errorOf(res)).code).toBe('unavailable');

    const head = await call('GET', `/v1/sets/${set}/params`);
    expect(head.headers.get('ETag')).toBe(await tagOf(set, 1));
    expect(VersionSchema.parse(await head.json()).params.adverse_selection_spread_scale).toBe(2);
    expect((await call('GET', `/v1/sets/${set}/versions/2`)).status).toBe(404);

    // Once KV is back, the same write succeeds as version 2: no gap was left behind.
    await runInDurableObject(hub(set), (instance: ParamsHub) => {
      instance.kv = env.VERSIONS;
    });
    const retried = await putParams(set, 1, { adverse_selection_spread_scale: 9 }, 'after the outage');
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ version: 2, parent: 1 });
  });

  it('checks for a landed earlier attempt before rewriting the key of a version the head never announced', async () => {
    const set = freshSet();
    await createSet(set, { adverse_selection_spread_scale: 2 });
    const ops: string[] = [];
    let failNext = true;
    const real = env.VERSIONS;
    // A put that lands but is reported failed (a timeout), once.
    const landsButFails = new Proxy(real, {
      get(target, prop) {
        if (prop === 'put') {
          return async (key: string, value: string) => {
            ops.push(`put ${key}`);
            await target.put(key, value);
            if (failNext) {
              failNext = false;
              throw new Error('KV PUT timed out (injected; the value landed)');
            }
          };
        }
        if (prop === 'get') {
          return (key: string, ...rest: unknown[]) => {
            ops.push(`get ${key}`);
            return (target.get as (...a: unknown[]) => unknown)(key, ...rest);
          };
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await runInDurableObject(hub(set), (instance: ParamsHub) => {
      instance.kv = landsButFails;
    });
    expect((await putParams(set, 1, { adverse_selection_spread_scale: 9 }, 'first attempt')).status).toBe(503);
    const retried = await putParams(set, 1, { adverse_selection_spread_scale: 5 }, 'the retry');
    expect(retried.status).toBe(200);
    const key = versionKey(set, await lineageOf(set), 2);
    expect(ops.filter((op) => op.endsWith(key))).toEqual([`get ${key}`, `put ${key}`, `get ${key}`, `put ${key}`]);
    // The key now holds what the head announced.
    expect(VersionSchema.parse(await real.get(key, 'json'))).toMatchObject({
      version: 2,
      message: 'the retry',
      params: { adverse_selection_spread_scale: 5 },
    });
    await runInDurableObject(hub(set), (instance: ParamsHub) => {
      instance.kv = real;
    });
  });

  it('coalesces the KV head mirror: a burst of writes does not write it each time', async () => {
    const set = freshSet();
    const puts = new Map<string, number>();
    await runInDurableObject(hub(set), (instance: ParamsHub) => {
      instance.kv = kvThat({ fails: false, puts });
    });
    await createSet(set);
    for (let v = 1; v < 10; v++) expect((await putParams(set, v, { adverse_selection_spread_scale: v })).status).toBe(200);
    await runDurableObjectAlarm(hub(set));
    // One mirror write may have happened for the first write of the burst; the alarm writes the last.
    expect(puts.get(headMirrorKey(set)) ?? 0).toBeLessThanOrEqual(2);
    expect(puts.get(versionKey(set, await lineageOf(set), 10))).toBe(1);
    const mirror = VersionSchema.parse(await env.VERSIONS.get(headMirrorKey(set), 'json'));
    expect(mirror.version).toBe(10);
  });

  it('answers from the KV mirror, marked stale, when the hub cannot be reached', async () => {
    const set = freshSet();
    await createSet(set, { adverse_selection_spread_scale: 7 });
    await runDurableObjectAlarm(hub(set));
    const unreachable = () =>
      ({
        read: () => Promise.reject(new Error('Durable Object is overloaded')),
      }) as unknown as HubStub;
    const app = createApp({ hubFor: unreachable });
    const request = (headers: Record<string, string> = {}) =>
      app.request(`${ORIGIN}/v1/sets/${set}/params`, { headers: { Authorization: `Bearer ${WRITE_TOKEN}`, ...headers } }, env);
    const res = await request();
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADER_STALE)).toBe('true');
    expect(VersionSchema.parse(await res.json()).params.adverse_selection_spread_scale).toBe(7);
    const cached = await request({ 'If-None-Match': await tagOf(set, 1) });
    expect(cached.status).toBe(304);
    expect(cached.headers.get(HEADER_STALE)).toBe('true');

    const missing = await app.request(
      `${ORIGIN}/v1/sets/${freshSet()}/params`,
      { headers: { Authorization: `Bearer ${WRITE_TOKEN}` } },
      env,
    );
    // The registry says it does not exist: no hub is asked (a read creates nothing), and that is a 404.
    expect(missing.status).toBe(404);
  });

  it('answers 304 stale, never an older version, when the mirror lags the version the client holds', async () => {
    const set = freshSet();
    await createSet(set, { adverse_selection_spread_scale: 1 });
    await runDurableObjectAlarm(hub(set));
    expect((await putParams(set, 1, { adverse_selection_spread_scale: 2 })).status).toBe(200);
    // The mirror still holds v1 (the next mirror write is minutes away); the client already has v2.
    expect(VersionSchema.parse(await env.VERSIONS.get(headMirrorKey(set), 'json')).version).toBe(1);
    const unreachable = () =>
      ({
        read: () => Promise.reject(new Error('Durable Object reset because its code was updated.')),
      }) as unknown as HubStub;
    const app = createApp({ hubFor: unreachable });
    for (const path of [`/v1/sets/${set}/params?wait=30`, `/v1/sets/${set}/params`]) {
      const res = await app.request(
        `${ORIGIN}${path}`,
        { headers: { Authorization: `Bearer ${WRITE_TOKEN}`, 'If-None-Match': await tagOf(set, 2) } },
        env,
      );
      expect(res.status).toBe(304);
      expect(res.headers.get('ETag')).toBe(await tagOf(set, 2));
      expect(res.headers.get(HEADER_STALE)).toBe('true');
      expect(res.headers.get('Retry-After')).toBe('1');
    }
  });

  it('answers 503 when the hub fails transiently, 500 without details when it breaks', async () => {
    const set = freshSet();
    await createSet(set);
    const failing = (error: Error) => () => ({ versions: () => Promise.reject(error) }) as unknown as HubStub;
    const transient = Object.assign(new Error('Durable Object reset because its code was updated.'), { retryable: true });
    const get = (app: ReturnType<typeof createApp>) =>
      app.request(`${ORIGIN}/v1/sets/${set}/versions`, { headers: { Authorization: `Bearer ${WRITE_TOKEN}` } }, env);
    const unavailable = await get(createApp({ hubFor: failing(transient) }));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('Retry-After')).toBe('1');
    expect((await errorOf(unavailable)).code).toBe('unavailable');
    const broken = await get(createApp({ hubFor: failing(new Error('secret internals: token=abc')) }));
    expect(broken.status).toBe(500);
    const error = await errorOf(broken);
    expect(error).toEqual({ code: 'internal', message: 'internal error' });
  });

  it('answers fresh reads without the stale header', async () => {
    const set = freshSet();
    await createSet(set);
    expect((await call('GET', `/v1/sets/${set}/params`)).headers.get(HEADER_STALE)).toBeNull();
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the per-set write limit, changing nothing', async () => {
    const set = freshSet();
    await createSet(set);
    let clock = 0;
    await runInDurableObject(hub(set), (instance: ParamsHub) => {
      instance.writeLimiter = createTokenBucket({ ratePerS: 1, burst: 1, clock: { now: () => clock } });
    });
    expect((await putParams(set, 1, { adverse_selection_spread_scale: 1 })).status).toBe(200);
    const limited = await putParams(set, 2, { adverse_selection_spread_scale: 2 });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('1');
    expect((await errorOf(limited)).code).toBe('rate_limited');
    expect((await call('GET', `/v1/sets/${set}/params`)).headers.get('ETag')).toBe(await tagOf(set, 2));
    clock += 1000;
    expect((await putParams(set, 2, { adverse_selection_spread_scale: 2 })).status).toBe(200);
  });

  it('answers 429 to a runner that reports too often', async () => {
    const set = freshSet();
    await createSet(set);
    await runInDurableObject(hub(set), (instance: ParamsHub) => {
      instance.reportLimiter = createKeyedBuckets({ ratePerS: 2, burst: 10, clock: { now: () => 0 } });
    });
    const report = { region: 'eu', applied_version: 1, lineage: await lineageOf(set), sync_state: 'ready' };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await call('POST', `/v1/sets/${set}/runners/r1/report`, { body: report })).status);
    // Burst 10 (the default) on a frozen clock: the 11th and 12th reports are refused.
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another runner has its own bucket.
    expect((await call('POST', `/v1/sets/${set}/runners/r2/report`, { body: report })).status).toBe(200);
  });
});
