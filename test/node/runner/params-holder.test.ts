import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../../shared/params-schema.ts';
import { ParamsValidationError } from '../../../shared/validate-params.ts';
import { ParamsHolder, type SwapEvent } from '../../../runner/params/params-holder.ts';

describe('ParamsHolder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livetune-holder-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fills defaults and hands out a frozen snapshot', () => {
    const holder = new ParamsHolder();
    holder.update({ skew_adjustment_factor: 1 }, { version: 1, etag: '"s.v1"' });
    const params = holder.get();
    expect(params).toEqual({ ...DEFAULT_PARAMS, skew_adjustment_factor: 1 });
    expect(Object.isFrozen(params)).toBe(true);
    expect(() => {
      (params as { adverse_selection_spread_scale: number }).adverse_selection_spread_scale = 99;
    }).toThrow(TypeError);
    expect([holder.version, holder.etag]).toEqual([1, '"s.v1"']);
  });

  it('throws naming the field and range on an invalid value, keeping the current params', () => {
    const holder = new ParamsHolder();
    holder.update({}, { version: 1 });
    const before = holder.get();
    let error: unknown;
    try {
      holder.update({ skew_adjustment_factor: 5 }, { version: 2 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParamsValidationError);
    expect((error as ParamsValidationError).issues[0]).toMatchObject({
      field: 'skew_adjustment_factor',
      value: 5,
      expected: 'a finite number in [0, 2]',
    });
    expect((error as Error).message).toContain('skew_adjustment_factor');
    expect(holder.get()).toBe(before);
    expect(holder.version).toBe(1);
  });

  it('rejects unknown keys (a typo must not silently do nothing)', () => {
    const holder = new ParamsHolder();
    expect(() => holder.update({ skew_adjustmnet_factor: 1 })).toThrow(/skew_adjustment_factor/);
    expect(holder.loaded).toBe(false);
  });

  it('ignores an edge version that is not newer than the one held', () => {
    const holder = new ParamsHolder();
    holder.update({ adverse_selection_spread_scale: 5 }, { version: 5 });
    expect(holder.update({ adverse_selection_spread_scale: 3 }, { version: 3 })).toBe(false);
    expect(holder.update({ adverse_selection_spread_scale: 1 }, { version: 5 })).toBe(false);
    expect(holder.get().adverse_selection_spread_scale).toBe(5);
    expect(holder.update({ adverse_selection_spread_scale: 6 }, { version: 6 })).toBe(true);
  });

  it('tells subscribers the old and new version after each swap, until they unsubscribe', () => {
    const holder = new ParamsHolder();
    const seen: Array<[number | null | undefined, number | null]> = [];
    const unsubscribe = holder.onSwap((e: SwapEvent) => seen.push([e.previous?.version, e.current.version]));
    holder.update({}, { version: 1 });
    holder.update({}, { version: 2 });
    unsubscribe();
    holder.update({}, { version: 3 });
    expect(seen).toEqual([
      [undefined, 1],
      [1, 2],
    ]);
  });

  it('keeps swapping when a listener throws', () => {
    const errors: unknown[] = [];
    const holder = new ParamsHolder({ onListenerError: (e) => errors.push(e) });
    holder.onSwap(() => {
      throw new Error('bad listener');
    });
    holder.update({}, { version: 1 });
    expect(holder.version).toBe(1);
    expect(errors).toHaveLength(1);
  });

  describe('reloadFromFile', () => {
    it('returns false when the file does not exist', async () => {
      const holder = new ParamsHolder();
      expect(await holder.reloadFromFile(join(dir, 'missing.json'))).toBe(false);
    });

    it('applies a seed tuning_params.json holding only the seven original keys', async () => {
      const path = join(dir, 'tuning_params.json');
      await writeFile(
        path,
        JSON.stringify({
          skew_adjustment_factor: 0.9,
          adverse_selection_adjustment_factor: 0.5,
          adverse_selection_lambda: 0.1,
          inventory_urgency_threshold: 0.7,
          liquidation_rate_multiplier: 10,
          min_spread_base_ratio: 0.2,
          adverse_selection_spread_scale: 100,
        }),
      );
      const holder = new ParamsHolder();
      expect(await holder.reloadFromFile(path)).toBe(true);
      expect(holder.get().skew_adjustment_factor).toBe(0.9);
      expect(holder.snapshot()?.origin).toBe('file');
    });

    it('throws naming the path on bad JSON and keeps the current params', async () => {
      const path = join(dir, 'tuning_params.json');
      await writeFile(path, '{ "skew_adjustment_factor": ');
      const holder = new ParamsHolder();
      holder.update({ adverse_selection_spread_scale: 2 });
      await expect(holder.reloadFromFile(path)).rejects.toThrow(path);
      expect(holder.get().adverse_selection_spread_scale).toBe(2);
    });

    it('throws naming the path and the field on an invalid value and keeps the current params', async () => {
      const path = join(dir, 'tuning_params.json');
      await writeFile(path, JSON.stringify({ adverse_selection_spread_scale: -1 }));
      const holder = new ParamsHolder();
      holder.update({ adverse_selection_spread_scale: 2 });
      const error = await holder.reloadFromFile(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ParamsValidationError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toContain('adverse_selection_spread_scale');
      expect(holder.get().adverse_selection_spread_scale).toBe(2);
    });
  });
});
