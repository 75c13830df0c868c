import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { SetListSchema, VersionSchema } from '../../shared/api.ts';
import type { RegistryClient } from '../../edge/hub/head-registration.ts';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import { headMirrorKey } from '../../edge/kv-keys.ts';
import { call, createSet, freshSet, putParams, tagOf } from './helpers.ts';

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

const hung: RegistryClient = { upsert: () => new Promise(() => {}) };
const failing: RegistryClient = { upsert: () => Promise.reject(new Error('SetRegistry overloaded (injected)')) };

/** The status of a write, or a marker when it was not answered within `ms` (a hang must fail fast). */
async function statusWithin(res: Promise<Response>, ms = 5000): Promise<number | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
  });
  const status = await Promise.race([res.then((r) => r.status), guard]);
  if (timer !== undefined) clearTimeout(timer);
  return status;
}

async function listed(set: string): Promise<number | undefined> {
  const list = SetListSchema.parse(await (await call('GET', '/v1/sets')).json());
  return list.sets.find((s) => s.set === set)?.version;
}

async function useRegistry(set: string, registry: RegistryClient | 'real'): Promise<void> {
  await runInDurableObject(hub(set), (instance: ParamsHub) => {
    instance.registryTimeoutMs = 50;
    instance.registry =
      registry === 'real' ? () => env.SET_REGISTRY.get(env.SET_REGISTRY.idFromName('registry')) : () => registry;
  });
}

describe('writes while the SetRegistry is down', () => {
  for (const [name, registry] of [
    ['hangs', hung],
    ['fails', failing],
  ] as const) {
    it(`answers a write 2xx when the registry ${name}, lets the next If-Match write in, and lists the set once the alarm ran`, async () => {
      const set = freshSet('registry');
      await useRegistry(set, registry);
      expect(await statusWithin(createSet(set, { adverse_selection_spread_scale: 1 }))).toBe(201);
      expect(await statusWithin(putParams(set, 1, { adverse_selection_spread_scale: 2 }))).toBe(200);
      expect((await call('GET', `/v1/sets/${set}/params`)).headers.get('ETag')).toBe(await tagOf(set, 2));
      expect(await statusWithin(putParams(set, 2, { adverse_selection_spread_scale: 3 }))).toBe(200);
      expect(await listed(set)).toBeUndefined();

      await useRegistry(set, 'real');
      // The retry alarm may already have fired on its own; either way the set ends up listed.
      await runDurableObjectAlarm(hub(set));
      expect(await listed(set)).toBe(3);
    });
  }

  it('lists a set at its current version as soon as the write was answered when the registry is up', async () => {
    const set = freshSet('registry');
    await createSet(set);
    expect(await listed(set)).toBe(1);
    await putParams(set, 1, { adverse_selection_spread_scale: 2 });
    expect(await listed(set)).toBe(2);
  });
});

describe('writes while the alarm API fails', () => {
  it('answers a committed write 2xx, and the next write schedules the mirror again', async () => {
    const set = freshSet('alarm');
    await createSet(set, { adverse_selection_spread_scale: 1 });
    await runDurableObjectAlarm(hub(set));
    const broken = () => Promise.reject(new Error('alarm storage unavailable (injected)'));
    await runInDurableObject(hub(set), (instance: ParamsHub) => {
      instance.alarms = { getAlarm: broken, setAlarm: broken };
    });
    expect(await statusWithin(putParams(set, 1, { adverse_selection_spread_scale: 2 }))).toBe(200);
    expect(await statusWithin(putParams(set, 2, { adverse_selection_spread_scale: 3 }))).toBe(200);
    expect(await listed(set)).toBe(3);

    await runInDurableObject(hub(set), (instance: ParamsHub, state) => {
      instance.alarms = state.storage;
    });
    expect(await statusWithin(putParams(set, 3, { adverse_selection_spread_scale: 4 }))).toBe(200);
    expect(await runDurableObjectAlarm(hub(set))).toBe(true);
    expect(VersionSchema.parse(await env.VERSIONS.get(headMirrorKey(set), 'json')).version).toBe(4);
  });
});
