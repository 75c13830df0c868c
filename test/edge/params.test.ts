import { describe, expect, it } from 'vitest';
import { VersionSchema } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import { call, createSet, errorOf, freshSet, putParams, tagOf } from './helpers.ts';

describe('GET/PUT /v1/sets/:set/params', () => {
  it('creates a set with If-None-Match: * and reads it back with a strong ETag', async () => {
    const set = freshSet();
    const created = await createSet(set, { skew_adjustment_factor: 1.5 });
    expect(created.status).toBe(201);
    expect(created.headers.get('ETag')).toBe(await tagOf(set, 1));
    expect(created.headers.get('Location')).toBe(`/v1/sets/${set}/versions/1`);
    const version = VersionSchema.parse(await created.json());
    expect(version).toMatchObject({ set, version: 1, kind: 'create', parent: 0, author: 'ops', message: 'create' });
    expect(version.params).toEqual({ ...DEFAULT_PARAMS, skew_adjustment_factor: 1.5 });

    const read = await call('GET', `/v1/sets/${set}/params`);
    expect(read.status).toBe(200);
    expect(read.headers.get('ETag')).toBe(await tagOf(set, 1));
    expect(VersionSchema.parse(await read.json())).toEqual(version);
  });

  it('answers 304 with only cache headers when If-None-Match names the current version', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('GET', `/v1/sets/${set}/params`, { headers: { 'If-None-Match': await tagOf(set, 1) } });
    expect(res.status).toBe(304);
    expect(res.headers.get('ETag')).toBe(await tagOf(set, 1));
    expect(res.headers.get('Content-Type')).toBeNull();
    expect(await res.text()).toBe('');
  });

  it('answers 304 to If-None-Match: * once the set exists', async () => {
    const set = freshSet();
    await createSet(set);
    expect((await call('GET', `/v1/sets/${set}/params`, { headers: { 'If-None-Match': '*' } })).status).toBe(304);
  });

  it('updates with If-Match and assigns the next version', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await putParams(set, 1, { order_size: 1 }, 'bigger orders');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      version: 2,
      kind: 'update',
      parent: 1,
      message: 'bigger orders',
      params: { order_size: 1 },
    });
  });

  it('answers 412 with the current head when If-Match is stale', async () => {
    const set = freshSet();
    await createSet(set);
    await putParams(set, 1, { order_size: 1 }, 'first');
    const res = await putParams(set, 1, { order_size: 2 }, 'second');
    expect(res.status).toBe(412);
    const error = await errorOf(res);
    expect(error.code).toBe('precondition_failed');
    expect(error.details?.current).toMatchObject({ version: 2, etag: await tagOf(set, 2), author: 'ops', message: 'first' });
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

describe('PATCH /v1/sets/:set/params', () => {
  it('merges the patch into the current document; null resets a key to its default', async () => {
    const set = freshSet();
    await createSet(set, { order_size: 2, max_position: 9 });
    const res = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 0.5, max_position: null }, message: 'smaller' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(res.status).toBe(200);
    const version = VersionSchema.parse(await res.json());
    expect(version.params).toEqual({ ...DEFAULT_PARAMS, order_size: 0.5 });
    expect(version).toMatchObject({ version: 2, kind: 'update', parent: 1 });
  });

  it('needs the same preconditions as PUT (428 without, 412 stale)', async () => {
    const set = freshSet();
    await createSet(set);
    const patch = { params: { order_size: 1 }, message: 'm' };
    expect((await call('PATCH', `/v1/sets/${set}/params`, { body: patch })).status).toBe(428);
    await putParams(set, 1, { skew_adjustment_factor: 1 });
    expect(
      (await call('PATCH', `/v1/sets/${set}/params`, { body: patch, headers: { 'If-Match': await tagOf(set, 1) } })).status,
    ).toBe(412);
  });

  it('answers 422 naming an unknown key in a patch, with a did-you-mean', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { order_sise: 1 }, message: 'm' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe('validation_failed');
    expect(error.fields?.[0]).toMatchObject({ field: 'order_sise' });
    expect(error.fields?.[0]?.expected).toContain('order_size');
  });

  it('creates no version for a patch that changes nothing: 200 with the current version and Livetune-Unchanged', async () => {
    const set = freshSet();
    await createSet(set, { order_size: 2 });
    for (const params of [{}, { order_size: 2 }, { max_position: null }, { order_size: 2, trading_mode: 'active' }]) {
      const res = await call('PATCH', `/v1/sets/${set}/params`, {
        body: { params, message: 'no-op' },
        headers: { 'If-Match': await tagOf(set, 1) },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('Livetune-Unchanged')).toBe('true');
      expect(res.headers.get('ETag')).toBe(await tagOf(set, 1));
      expect(VersionSchema.parse(await res.json())).toMatchObject({ version: 1, message: 'create' });
    }
    expect((await call('GET', `/v1/sets/${set}/versions/2`)).status).toBe(404);
    // A patch that changes something still commits, without the header; a stale If-Match is still 412.
    const changed = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 3 }, message: 'm' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('Livetune-Unchanged')).toBeNull();
    expect(changed.headers.get('ETag')).toBe(await tagOf(set, 2));
    expect(
      (
        await call('PATCH', `/v1/sets/${set}/params`, {
          body: { params: {}, message: 'm' },
          headers: { 'If-Match': await tagOf(set, 1) },
        })
      ).status,
    ).toBe(412);
  });

  it('answers 404 when patching a set that does not exist', async () => {
    const set = freshSet();
    const res = await call('PATCH', `/v1/sets/${set}/params`, {
      body: { params: {}, message: 'm' },
      headers: { 'If-Match': etagFor(set, 'no-such-lineage', 1) },
    });
    expect(res.status).toBe(404);
  });
});

describe('write preconditions', () => {
  it('answers 412 when creating a set that already exists', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await createSet(set);
    expect(res.status).toBe(412);
    expect((await errorOf(res)).details?.current).toMatchObject({ version: 1 });
  });

  it('accepts If-Match: * on an existing set', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: {}, message: 'any' },
      headers: { 'If-Match': '*' },
    });
    expect(res.status).toBe(200);
  });

  it('never matches a weak tag in If-Match (strong comparison)', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: {}, message: 'weak' },
      headers: { 'If-Match': `W/${await tagOf(set, 1)}` },
    });
    expect(res.status).toBe(412);
  });
});

describe('HEAD /v1/sets/:set/params', () => {
  it('answers like GET without a body', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('HEAD', `/v1/sets/${set}/params`);
    expect(res.status).toBe(200);
    expect(res.headers.get('ETag')).toBe(await tagOf(set, 1));
    expect(await res.text()).toBe('');
  });
});
