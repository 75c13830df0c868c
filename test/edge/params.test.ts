import { describe, expect, it } from 'vitest';
import { VersionSchema } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import { call, createSet, errorOf, freshSet, putParams } from './helpers.ts';

describe('GET/PUT /v1/sets/:set/params', () => {
  it('creates a set with If-None-Match: * and reads it back with a strong ETag', async () => {
    const set = freshSet();
    const created = await createSet(set, { skew_adjustment_factor: 1.5 });
    expect(created.status).toBe(201);
    expect(created.headers.get('ETag')).toBe(etagFor(set, 1));
    const version = VersionSchema.parse(await created.json());
    expect(version).toMatchObject({ set, version: 1, kind: 'create', parent: 0, author: 'ops', message: 'create' });
    expect(version.params).toEqual({ ...DEFAULT_PARAMS, skew_adjustment_factor: 1.5 });

    const read = await call('GET', `/v1/sets/${set}/params`);
    expect(read.status).toBe(200);
    expect(read.headers.get('ETag')).toBe(etagFor(set, 1));
    expect(VersionSchema.parse(await read.json())).toEqual(version);
  });

  it('answers 304 with only cache headers when If-None-Match names the current version', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('GET', `/v1/sets/${set}/params`, { headers: { 'If-None-Match': etagFor(set, 1) } });
    expect(res.status).toBe(304);
    expect(res.headers.get('ETag')).toBe(etagFor(set, 1));
    expect(res.headers.get('Content-Type')).toBeNull();
    expect(await res.text()).toBe('');
  });

  it('updates with If-Match and assigns the next version', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await putParams(set, 1, { order_size: 1 }, 'bigger orders');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: 2, kind: 'update', parent: 1, message: 'bigger orders', params: { order_size: 1 } });
  });

  it('answers 412 with the current head when If-Match is stale', async () => {
    const set = freshSet();
    await createSet(set);
    await putParams(set, 1, { order_size: 1 }, 'first');
    const res = await putParams(set, 1, { order_size: 2 }, 'second');
    expect(res.status).toBe(412);
    const error = await errorOf(res);
    expect(error.code).toBe('precondition_failed');
    expect(error.details?.current).toMatchObject({ version: 2, etag: etagFor(set, 2), author: 'ops', message: 'first' });
  });

  it('answers 428 when a write has no If-Match', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('PUT', `/v1/sets/${set}/params`, { body: { params: {}, message: 'x' } });
    expect(res.status).toBe(428);
    expect((await errorOf(res)).code).toBe('precondition_required');
  });

  it('answers 404 for an unknown set', async () => {
    const res = await call('GET', `/v1/sets/${freshSet()}/params`);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
  });
});
