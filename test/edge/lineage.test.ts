/**
 * A set's lineage (DESIGN "A version"): fixed when the set is created, carried by every version, its
 * ETag, the KV keys and what runners say they run; nothing of another lineage — a tag, an ACK, a
 * report — is ever taken for this one, even with the same version number.
 */
import { evictDurableObject, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../edge/app.ts';
import type { HubStub } from '../../edge/hub/hub-for.ts';
import type { ParamsHub } from '../../edge/hub/params-hub.ts';
import { headMirrorKey, versionKey } from '../../edge/kv-keys.ts';
import { FleetSchema, HEADER_LINEAGE, HEADER_STALE, VersionSchema } from '../../shared/api.ts';
import { etagFor, parseEtag } from '../../shared/etag.ts';
import { ORIGIN, READ_TOKEN, WRITE_TOKEN, call, createSet, errorOf, freshSet, lineageOf, putParams } from './helpers.ts';

const OTHER = 'another-history-0001';

function hub(set: string) {
  return env.PARAMS_HUB.get(env.PARAMS_HUB.idFromName(set));
}

async function fleetOf(set: string) {
  return FleetSchema.parse(await (await call('GET', `/v1/sets/${set}/fleet`, { token: READ_TOKEN })).json());
}

describe('a set’s lineage', () => {
  it('is fixed at creation (22 base64url characters), named by the body, the ETag and a header, and never changes', async () => {
    const set = freshSet();
    const created = await createSet(set, { adverse_selection_spread_scale: 1 });
    const v1 = VersionSchema.parse(await created.json());
    expect(v1.lineage).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.headers.get('ETag')).toBe(`"${set}.${v1.lineage}.v1"`);
    expect(parseEtag(created.headers.get('ETag'))).toEqual({ set, lineage: v1.lineage, version: 1 });
    expect(created.headers.get(HEADER_LINEAGE)).toBe(v1.lineage);

    await putParams(set, 1, { adverse_selection_spread_scale: 2 });
    const rolledBack = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 1, message: 'back' } });
    expect(VersionSchema.parse(await rolledBack.json())).toMatchObject({ version: 3, lineage: v1.lineage });
    // A new instance of the hub (eviction, a deploy) reads the same history.
    await evictDurableObject(hub(set));
    const read = await call('GET', `/v1/sets/${set}/params`);
    expect(read.headers.get('ETag')).toBe(etagFor(set, v1.lineage, 3));
    const page = (await (await call('GET', `/v1/sets/${set}/versions`)).json()) as { versions: { lineage: string }[] };
    expect(page.versions.map((v) => v.lineage)).toEqual([v1.lineage, v1.lineage, v1.lineage]);
    const version2 = await call('GET', `/v1/sets/${set}/versions/2`);
    expect(version2.headers.get('ETag')).toBe(etagFor(set, v1.lineage, 2));
    // Immutable KV keys name the lineage: a re-created set would never meet these.
    const stored = VersionSchema.parse(await env.VERSIONS.get(versionKey(set, v1.lineage, 2), 'json'));
    expect(stored).toMatchObject({ lineage: v1.lineage, version: 2 });
  });

  it('differs between two sets (and so between a set and its re-creation)', async () => {
    const [a, b] = [freshSet(), freshSet()];
    await createSet(a);
    await createSet(b);
    expect(await lineageOf(a)).not.toBe(await lineageOf(b));
  });

  it('answers a long-poll naming another lineage at once with the head, even with the same version number', async () => {
    const set = freshSet();
    await createSet(set, { adverse_selection_spread_scale: 4 });
    const lineage = await lineageOf(set);
    // If the hub held this poll, the test would time out (30 s) before the 60 s wait ends.
    const res = await call('GET', `/v1/sets/${set}/params?wait=60`, {
      token: READ_TOKEN,
      headers: { 'If-None-Match': etagFor(set, OTHER, 1) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe(etagFor(set, lineage, 1));
    expect(VersionSchema.parse(await res.json())).toMatchObject({ lineage, params: { adverse_selection_spread_scale: 4 } });
    // Its own lineage's tag is a 304, as before.
    const same = await call('GET', `/v1/sets/${set}/params`, { headers: { 'If-None-Match': etagFor(set, lineage, 1) } });
    expect(same.status).toBe(304);
    expect(await runInDurableObject(hub(set), (instance: ParamsHub) => instance.waiters.size)).toBe(0);
  });

  it('answers 412 to If-Match of another lineage, naming both, and changes nothing', async () => {
    const set = freshSet();
    await createSet(set, { adverse_selection_spread_scale: 1 });
    const lineage = await lineageOf(set);
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: { adverse_selection_spread_scale: 9 }, message: 'from a staging tag' },
      headers: { 'If-Match': etagFor(set, OTHER, 1) },
    });
    expect(res.status).toBe(412);
    const error = await errorOf(res);
    expect(error.code).toBe('precondition_failed');
    expect(error.message).toContain(OTHER);
    expect(error.message).toContain(lineage);
    expect(error.details?.current).toMatchObject({ version: 1, lineage, etag: etagFor(set, lineage, 1) });
    const head = await call('GET', `/v1/sets/${set}/params`);
    expect(VersionSchema.parse(await head.json())).toMatchObject({ version: 1, params: { adverse_selection_spread_scale: 1 } });
  });

  it('refuses a report of another lineage, or of a version without one (422, naming the field), and records nothing', async () => {
    const set = freshSet();
    await createSet(set);
    const lineage = await lineageOf(set);
    const post = (body: unknown) => call('POST', `/v1/sets/${set}/runners/r-1/report`, { token: READ_TOKEN, body });
    const base = { region: 'eu', sync_state: 'ready' };
    for (const body of [
      { ...base, applied_version: 1, lineage: OTHER },
      { ...base, applied_version: 1 },
      { ...base, applied_version: null, rejected: { version: 1, lineage: OTHER, reason: 'x' } },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(422);
      const error = await errorOf(res);
      expect(error.code).toBe('validation_failed');
      expect(error.fields?.[0]).toMatchObject({
        field: expect.stringMatching(/lineage$/),
        expected: expect.stringContaining(lineage),
      });
    }
    expect((await fleetOf(set)).runners).toEqual([]);
    expect((await post({ ...base, applied_version: null })).status).toBe(200);
    expect((await post({ ...base, applied_version: 1, lineage })).status).toBe(200);
    expect((await fleetOf(set)).runners[0]).toMatchObject({ runner_id: 'r-1', applied_version: 1, lineage });
  });

  it('drops ACKs, NACKs and reports of another lineage on the watch socket, and counts them', async () => {
    const set = freshSet();
    await createSet(set);
    const lineage = await lineageOf(set);
    const res = await call('GET', `/v1/sets/${set}/watch`, { token: READ_TOKEN, headers: { Upgrade: 'websocket' } });
    const ws = res.webSocket!;
    ws.accept();
    ws.send(JSON.stringify({ type: 'ack', runner_id: 'stranger', lineage: OTHER, version: 1 }));
    ws.send(JSON.stringify({ type: 'nack', runner_id: 'stranger', lineage: OTHER, version: 1, reason: 'x' }));
    ws.send(
      JSON.stringify({
        type: 'report',
        runner_id: 'stranger',
        report: { region: 'eu', applied_version: 1, lineage: OTHER, sync_state: 'ready' },
      }),
    );
    ws.send(JSON.stringify({ type: 'ack', runner_id: 'own', lineage, version: 1 }));
    await vi.waitUntil(async () => (await fleetOf(set)).runners.length > 0, { timeout: 10_000, interval: 10 });
    expect((await fleetOf(set)).runners.map((r) => r.runner_id)).toEqual(['own']);
    const activity = await runInDurableObject(hub(set), (instance: ParamsHub) => instance.activity());
    expect(activity.foreignLineage).toBe(3);
    ws.close(1000);
  });

  it('is given, once and for good, to a set stored before lineages existed', async () => {
    const set = freshSet('legacy');
    const legacy = (version: number, adverse_selection_spread_scale: number) => ({
      set,
      version,
      params: { adverse_selection_spread_scale },
      created_at: '2026-01-01T00:00:00.000Z',
      author: 'ops',
      message: `v${version}`,
      kind: version === 1 ? 'create' : 'update',
      parent: version - 1,
    });
    await runInDurableObject(hub(set), (_instance: ParamsHub, state) => {
      for (const v of [legacy(1, 1), legacy(2, 2)])
        state.storage.sql.exec('INSERT INTO versions (version, body) VALUES (?, ?)', v.version, JSON.stringify(v));
    });
    // Such a set was registered by its writes (reads ask the registry before they address a hub).
    await env.SET_REGISTRY.get(env.SET_REGISTRY.idFromName('registry')).upsert({
      set,
      version: 2,
      updated_at: '2026-01-01T00:00:00.000Z',
      author: 'ops',
    });
    await evictDurableObject(hub(set));
    const lineage = await lineageOf(set);
    expect(lineage).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const v1 = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/versions/1`)).json());
    expect(v1).toMatchObject({ lineage, params: { adverse_selection_spread_scale: 1 } });
    await evictDurableObject(hub(set));
    expect(await lineageOf(set)).toBe(lineage);
    expect((await putParams(set, 2, { adverse_selection_spread_scale: 3 })).status).toBe(200);
    expect(await lineageOf(set)).toBe(lineage);
  });
});

describe('the KV head mirror', () => {
  it('answers a tag of another lineage with its version (stale), never 304', async () => {
    const set = freshSet();
    await createSet(set, { adverse_selection_spread_scale: 7 });
    const lineage = await lineageOf(set);
    await runInDurableObject(hub(set), (instance: ParamsHub) => instance.alarm());
    expect(VersionSchema.parse(await env.VERSIONS.get(headMirrorKey(set), 'json')).lineage).toBe(lineage);
    const unreachable = () =>
      ({
        read: () => Promise.reject(new Error('Durable Object is overloaded')),
      }) as unknown as HubStub;
    const app = createApp({ hubFor: unreachable });
    const read = (tag: string) =>
      app.request(
        `${ORIGIN}/v1/sets/${set}/params`,
        { headers: { Authorization: `Bearer ${WRITE_TOKEN}`, 'If-None-Match': tag } },
        env,
      );
    const foreign = await read(etagFor(set, OTHER, 5));
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get(HEADER_STALE)).toBe('true');
    expect(foreign.headers.get('ETag')).toBe(etagFor(set, lineage, 1));
    expect((await read(etagFor(set, lineage, 1))).status).toBe(304);
  });
});
