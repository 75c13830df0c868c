import { describe, expect, it } from 'vitest';
import { SetListSchema } from '../../shared/api.ts';
import { paramsJsonSchema } from '../../shared/json-schema.ts';
import { call, createSet, freshSet, putParams } from './helpers.ts';

describe('GET /v1/sets', () => {
  it('lists a set as soon as its creation was acknowledged, with its current version', async () => {
    const set = freshSet('listed');
    await createSet(set);
    await putParams(set, 1, { order_size: 1 }, 'second');
    const list = SetListSchema.parse(await (await call('GET', '/v1/sets')).json());
    expect(list.sets.find((s) => s.set === set)).toMatchObject({ set, version: 2, author: 'ops' });
    const names = list.sets.map((s) => s.set);
    expect(names).toEqual([...names].sort());
  });

  it('does not list a set whose creation was rejected', async () => {
    const set = freshSet('rejected');
    const res = await call('PUT', `/v1/sets/${set}/params`, {
      body: { params: { order_size: 0 }, message: 'bad' },
      headers: { 'If-None-Match': '*' },
    });
    expect(res.status).toBe(422);
    const list = SetListSchema.parse(await (await call('GET', '/v1/sets')).json());
    expect(list.sets.some((s) => s.set === set)).toBe(false);
  });
});

describe('GET /v1/schema', () => {
  it('serves the JSON Schema generated from the shared params schema', async () => {
    const res = await call('GET', '/v1/schema');
    expect(res.headers.get('Content-Type')).toContain('application/schema+json');
    expect(await res.json()).toEqual(paramsJsonSchema());
  });
});
