import { describe, expect, it } from 'vitest';
import { DiffSchema, VersionPageSchema, VersionSchema } from '../../shared/api.ts';
import { call, createSet, errorOf, freshSet, putParams, tagOf } from './helpers.ts';

async function setWithVersions(count: number): Promise<string> {
  const set = freshSet();
  await createSet(set, { adverse_selection_spread_scale: 1 });
  for (let v = 1; v < count; v++)
    expect((await putParams(set, v, { adverse_selection_spread_scale: v + 1 }, `step ${v + 1}`)).status).toBe(200);
  return set;
}

describe('history', () => {
  it('lists versions newest first, paginated with limit and before', async () => {
    const set = await setWithVersions(5);
    const first = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions?limit=2`)).json());
    expect(first.versions.map((v) => v.version)).toEqual([5, 4]);
    expect(first.next_before).toBe(4);
    const second = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions?limit=2&before=4`)).json());
    expect(second.versions.map((v) => v.version)).toEqual([3, 2]);
    const last = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions?limit=2&before=2`)).json());
    expect(last.versions.map((v) => v.version)).toEqual([1]);
    expect(last.next_before).toBeNull();
  });

  it('answers 400 for a limit out of range and 404 for an unknown set', async () => {
    const set = await setWithVersions(1);
    expect((await call('GET', `/v1/sets/${set}/versions?limit=0`)).status).toBe(400);
    expect((await call('GET', `/v1/sets/${set}/versions?limit=101`)).status).toBe(400);
    expect((await call('GET', `/v1/sets/${set}/versions?before=x`)).status).toBe(400);
    expect((await call('GET', `/v1/sets/${freshSet()}/versions`)).status).toBe(404);
  });

  it('serves one version, immutable, and 404 for one that does not exist', async () => {
    const set = await setWithVersions(2);
    const res = await call('GET', `/v1/sets/${set}/versions/1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe(await tagOf(set, 1));
    expect(VersionSchema.parse(await res.json())).toMatchObject({ version: 1, params: { adverse_selection_spread_scale: 1 } });
    expect((await call('GET', `/v1/sets/${set}/versions/3`)).status).toBe(404);
    expect((await call('GET', `/v1/sets/${set}/versions/abc`)).status).toBe(400);
  });

  it('diffs two versions by key', async () => {
    const set = await setWithVersions(3);
    const diff = DiffSchema.parse(await (await call('GET', `/v1/sets/${set}/diff?from=1&to=3`)).json());
    expect(diff.changes).toEqual([{ key: 'adverse_selection_spread_scale', from: 1, to: 3 }]);
    expect((await call('GET', `/v1/sets/${set}/diff?from=1&to=9`)).status).toBe(404);
    expect((await call('GET', `/v1/sets/${set}/diff?from=1`)).status).toBe(400);
  });

  it('rolls back by creating version n+1 equal to the target, keeping all history', async () => {
    const set = await setWithVersions(3);
    const res = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 1, message: 'bad fills since v2' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe(await tagOf(set, 4));
    const rollback = VersionSchema.parse(await res.json());
    const target = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/versions/1`)).json());
    expect(rollback).toMatchObject({
      version: 4,
      kind: 'rollback',
      rollback_of: 1,
      parent: 3,
      message: 'bad fills since v2',
      author: 'ops',
    });
    expect(rollback.params).toEqual(target.params);
    const page = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions`)).json());
    expect(page.versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    const current = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/params`)).json());
    expect(current.version).toBe(4);
  });

  it('refuses a rollback to a version that does not exist (404) or a malformed body (422)', async () => {
    const set = await setWithVersions(2);
    expect((await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 9, message: 'm' } })).status).toBe(404);
    const bad = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 'one', message: 'm' } });
    expect(bad.status).toBe(422);
    expect((await errorOf(bad)).fields?.[0]?.field).toBe('to');
    expect((await call('POST', `/v1/sets/${freshSet()}/rollback`, { body: { to: 1, message: 'm' } })).status).toBe(404);
  });

  it('enforces If-Match on a rollback when one is sent', async () => {
    const set = await setWithVersions(2);
    const res = await call('POST', `/v1/sets/${set}/rollback`, {
      body: { to: 1, message: 'm' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(res.status).toBe(412);
  });
});
