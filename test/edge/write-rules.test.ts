/**
 * What a write may not do to a set's history (issue 11, rows 8 and 9, and rollback to the current
 * version): a typo set to `null` is an unknown key like any other (422 with a did-you-mean, a
 * homoglyph named by its code points), `-0` is `0`, and a write that changes nothing — PATCH, PUT or
 * a rollback to the current version — answers the current version with `Livetune-Unchanged: true`
 * and creates no version.
 */
import { describe, expect, it } from 'vitest';
import { VersionPageSchema, VersionSchema } from '../../shared/api.ts';
import { call, createSet, errorOf, freshSet, tagOf } from './helpers.ts';

async function patch(set: string, version: number, params: unknown, message = 'patch'): Promise<Response> {
  return call('PATCH', `/v1/sets/${set}/params`, {
    body: { params, message },
    headers: { 'If-Match': await tagOf(set, version) },
  });
}

async function versionNumbers(set: string): Promise<number[]> {
  const page = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions?limit=100`)).json());
  return page.versions.map((v) => v.version);
}

describe('unknown keys set to null (row 8)', () => {
  it('answers 422 with a did-you-mean for a typo set to null, and commits nothing', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await patch(set, 1, { order_sise: null });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe('validation_failed');
    expect(error.fields?.[0]).toMatchObject({ field: 'order_sise', value: null });
    expect(error.fields?.[0]?.expected).toContain('did you mean "order_size"');
    expect(await versionNumbers(set)).toEqual([1]);
  });

  it('names the non-ASCII code points of a homoglyph key (Cyrillic е in order_size)', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await patch(set, 1, { ordеr_size: null });
    expect(res.status).toBe(422);
    const field = (await errorOf(res)).fields?.[0];
    expect(field?.field).toBe('ordеr_size');
    expect(field?.message).toContain('non-ASCII');
    expect(field?.message).toContain('U+0435');
    expect(field?.expected).toContain('did you mean "order_size"');
    expect(await versionNumbers(set)).toEqual([1]);
  });

  it('refuses the whole patch when a typo rides along with a valid change (nothing half-applied)', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await patch(set, 1, { max_positon: null, skew_adjustment_factor: 0.77 });
    expect(res.status).toBe(422);
    const fields = (await errorOf(res)).fields ?? [];
    expect(fields.map((f) => f.field)).toEqual(['max_positon']);
    expect(fields[0]?.expected).toContain('did you mean "max_position"');
    expect(await versionNumbers(set)).toEqual([1]);
    const head = VersionSchema.parse(await (await call('GET', `/v1/sets/${set}/params`)).json());
    expect(head.params.skew_adjustment_factor).toBe(0.5);
  });
});

describe('-0 is 0 (row 9)', () => {
  it('creates no version when a patch alternates 0 and -0', async () => {
    const set = freshSet();
    await createSet(set, { skew_adjustment_factor: 0 });
    for (const value of ['-0', '0', '-0', '-0.0', '0']) {
      const res = await call('PATCH', `/v1/sets/${set}/params`, {
        body: `{"params": {"skew_adjustment_factor": ${value}}, "message": "flip"}`,
        headers: { 'If-Match': await tagOf(set, 1) },
      });
      expect(res.status, value).toBe(200);
      expect(res.headers.get('Livetune-Unchanged'), value).toBe('true');
    }
    expect(await versionNumbers(set)).toEqual([1]);
  });

  it('stores -0 as 0 when it is a change', async () => {
    const set = freshSet();
    await createSet(set);
    const res = await call('PATCH', `/v1/sets/${set}/params`, {
      body: '{"params": {"skew_adjustment_factor": -0}, "message": "no skew"}',
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(res.status).toBe(200);
    const version = VersionSchema.parse(await res.json());
    expect(Object.is(version.params.skew_adjustment_factor, 0)).toBe(true);
    expect((await patch(set, 2, { skew_adjustment_factor: 0 })).headers.get('Livetune-Unchanged')).toBe('true');
    expect(await versionNumbers(set)).toEqual([2, 1]);
  });
});

describe('a write that changes nothing creates no version', () => {
  it('answers a rollback to the current version with the current version and Livetune-Unchanged', async () => {
    const set = freshSet();
    await createSet(set);
    await patch(set, 1, { skew_adjustment_factor: 0.8 });
    const res = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 2, message: 'again' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Livetune-Unchanged')).toBe('true');
    expect(res.headers.get('ETag')).toBe(await tagOf(set, 2));
    expect(VersionSchema.parse(await res.json())).toMatchObject({ version: 2, kind: 'update' });
    expect(await versionNumbers(set)).toEqual([2, 1]);
  });

  it('treats a rollback to an older version with the same params as the current one the same way', async () => {
    const set = freshSet();
    await createSet(set);
    await patch(set, 1, { skew_adjustment_factor: 0.8 });
    await patch(set, 2, { skew_adjustment_factor: 0.5 });
    const res = await call('POST', `/v1/sets/${set}/rollback`, { body: { to: 1, message: 'v1 again' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Livetune-Unchanged')).toBe('true');
    expect(await versionNumbers(set)).toEqual([3, 2, 1]);
  });

  it('answers a PUT of the current document with Livetune-Unchanged', async () => {
    const set = freshSet();
    await createSet(set, { skew_adjustment_factor: 0.8 });
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: { skew_adjustment_factor: 0.8 }, message: 'same' },
      headers: { 'If-Match': await tagOf(set, 1) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Livetune-Unchanged')).toBe('true');
    expect(await versionNumbers(set)).toEqual([1]);
  });
});
