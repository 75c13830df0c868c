import { describe, expect, it } from 'vitest';
import { VersionPageSchema } from '../../shared/api.ts';
import { call, createSet, freshSet, putParams } from './helpers.ts';

describe('concurrent writers', () => {
  it('lets exactly one of 20 PUTs with the same If-Match win; the others get 412', async () => {
    const set = freshSet();
    await createSet(set);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => putParams(set, 1, { adverse_selection_spread_scale: i + 1 }, `writer ${i}`)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    const page = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions`)).json());
    expect(page.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it('assigns gap-free versions to concurrent writers that each accept any version', async () => {
    const set = freshSet();
    await createSet(set);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('PUT', `/v1/sets/${set}/params`, {
          body: { params: { adverse_selection_spread_scale: i + 1 }, message: `w${i}` },
          headers: { 'If-Match': '*' },
        }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const page = VersionPageSchema.parse(await (await call('GET', `/v1/sets/${set}/versions?limit=100`)).json());
    expect(page.versions.map((v) => v.version)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    for (const v of page.versions.slice(0, -1)) expect(v.parent).toBe(v.version - 1);
  });

  it('creates a set once when two creators race', async () => {
    const set = freshSet();
    const [a, b] = await Promise.all([createSet(set), createSet(set)]);
    expect([a.status, b.status].sort()).toEqual([201, 412]);
  });
});
