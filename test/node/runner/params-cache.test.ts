import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { etagFor } from '../../../shared/etag.ts';
import { nodeAtomicFs } from '../../../runner/cache/atomic-write.ts';
import { CacheCorruptError, ParamsCache } from '../../../runner/cache/params-cache.ts';
import { SET, LINEAGE } from '../helpers/runner-fixtures.ts';

const entry = (version: number, adverse_selection_spread_scale = version, lineage = LINEAGE) => ({
  lineage,
  version,
  etag: etagFor(SET, lineage, version),
  params: { ...DEFAULT_PARAMS, adverse_selection_spread_scale },
});

describe('ParamsCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livetune-cache-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers undefined when there is no cache file', async () => {
    expect(await new ParamsCache({ dir, set: SET }).load()).toBeUndefined();
  });

  it('saves and loads an applied version with its etag and time', async () => {
    const cache = new ParamsCache({ dir, set: SET, clock: { now: () => Date.UTC(2026, 0, 2) } });
    expect(await cache.save(entry(3))).toBe(true);
    expect(await cache.load()).toEqual({ set: SET, ...entry(3), saved_at: '2026-01-02T00:00:00.000Z' });
    expect(await readdir(dir)).toEqual([`${SET}.json`]);
  });

  it('never overwrites a newer version with an older one', async () => {
    const cache = new ParamsCache({ dir, set: SET });
    await cache.save(entry(5));
    expect(await cache.save(entry(4))).toBe(false);
    expect((await cache.load())?.version).toBe(5);
  });

  it("replaces a newer version with an older one only when told the edge's head is older (another history)", async () => {
    const cache = new ParamsCache({ dir, set: SET });
    await cache.save(entry(12));
    expect(await cache.save(entry(3), { replaceNewer: true })).toBe(true);
    expect((await cache.load())?.version).toBe(3);
    expect(await cache.save(entry(2))).toBe(false);
  });

  it('replaces an entry of another lineage whatever its number: the runner adopted the edge’s history', async () => {
    const cache = new ParamsCache({ dir, set: SET });
    await cache.save(entry(12, 1, 'staging-lineage-0001'));
    expect(await cache.save(entry(3))).toBe(true);
    expect(await cache.load()).toMatchObject({ lineage: LINEAGE, version: 3 });
    expect(await cache.save(entry(2))).toBe(false);
  });

  it('reports an entry whose etag does not name its set, lineage and version as corrupt', async () => {
    const cache = new ParamsCache({ dir, set: SET });
    for (const etag of [etagFor(SET, LINEAGE, 4), etagFor(SET, 'another-history', 3), `"${SET}.v3"`]) {
      await writeFile(cache.path, JSON.stringify({ set: SET, ...entry(3), etag, saved_at: new Date().toISOString() }));
      const error = await cache.load().catch((e: unknown) => e);
      expect(error, etag).toBeInstanceOf(CacheCorruptError);
      expect((error as Error).message).toContain(cache.path);
      expect((error as Error).message).toContain(etagFor(SET, LINEAGE, 3));
    }
    await writeFile(
      cache.path,
      JSON.stringify({ set: SET, ...entry(3), lineage: undefined, saved_at: new Date().toISOString() }),
    );
    expect(await cache.load().catch((e: unknown) => e)).toBeInstanceOf(CacheCorruptError);
  });

  it('leaves the old file intact and readable when the process dies between write and rename', async () => {
    await new ParamsCache({ dir, set: SET }).save(entry(1));
    const crashing = new ParamsCache({
      dir,
      set: SET,
      fs: {
        ...nodeAtomicFs,
        rename: async () => {
          throw Object.assign(new Error('EIO: crash before rename'), { code: 'EIO' });
        },
      },
    });
    await expect(crashing.save(entry(2))).rejects.toThrow(/crash before rename/);
    expect((await new ParamsCache({ dir, set: SET }).load())?.version).toBe(1);
    expect(await readdir(dir)).toEqual([`${SET}.json`]);
  });

  it.each(['writeFile', 'sync'] as const)('removes its temp file when %s fails, keeping the old file', async (failing) => {
    await new ParamsCache({ dir, set: SET }).save(entry(1));
    const open: typeof nodeAtomicFs.open = async (...args) => {
      const handle = await nodeAtomicFs.open(...args);
      if (args[1] !== 'w') return handle;
      return Object.assign(Object.create(handle), {
        [failing]: async () => {
          throw Object.assign(new Error(`ENOSPC: ${failing} failed`), { code: 'ENOSPC' });
        },
        close: () => handle.close(),
      });
    };
    const failingCache = new ParamsCache({ dir, set: SET, fs: { ...nodeAtomicFs, open } });
    await expect(failingCache.save(entry(2))).rejects.toThrow(`${failing} failed`);
    expect(await readdir(dir)).toEqual([`${SET}.json`]);
    expect((await new ParamsCache({ dir, set: SET }).load())?.version).toBe(1);
  });

  it('reports a corrupt file as an error naming the path, never as "no cache"', async () => {
    const cache = new ParamsCache({ dir, set: SET });
    await writeFile(cache.path, '{"set": "hype-perp", "vers');
    const error = await cache.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheCorruptError);
    expect((error as Error).message).toContain(cache.path);
  });

  it('reports a file with invalid params as corrupt, naming the path and the field', async () => {
    const cache = new ParamsCache({ dir, set: SET });
    await cache.save(entry(1));
    const json = JSON.parse(await readFile(cache.path, 'utf8'));
    json.params.adverse_selection_spread_scale = -1;
    await writeFile(cache.path, JSON.stringify(json));
    await expect(cache.load()).rejects.toThrow(
      new RegExp(`${cache.path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*params\\.adverse_selection_spread_scale`),
    );
  });

  it('replaces a corrupt file when a newer good version is saved', async () => {
    const cache = new ParamsCache({ dir, set: SET });
    await writeFile(cache.path, 'garbage');
    expect(await cache.save(entry(2))).toBe(true);
    expect((await cache.load())?.version).toBe(2);
  });
});
