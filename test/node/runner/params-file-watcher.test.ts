import { once } from 'node:events';
import type { FSWatcher } from 'node:fs';
import { EventEmitter } from 'node:events';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParamsHolder } from '../../../runner/params/params-holder.ts';
import { ParamsFileWatcher } from '../../../runner/params/params-file-watcher.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { silentLogger } from '../helpers/runner-fixtures.ts';

describe('ParamsFileWatcher', () => {
  let dir: string;
  let path: string;
  let watcher: ParamsFileWatcher | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livetune-watch-'));
    path = join(dir, 'tuning_params.json');
  });
  afterEach(async () => {
    watcher?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('on the real file system', () => {
    async function started() {
      await writeFile(path, JSON.stringify({ adverse_selection_spread_scale: 1 }));
      const holder = new ParamsHolder();
      await holder.reloadFromFile(path);
      watcher = new ParamsFileWatcher({ path, holder, logger: silentLogger(), debounceMs: 20, retryDelayMs: 20 });
      watcher.start();
      return holder;
    }

    it('applies a valid edit', async () => {
      const holder = await started();
      const applied = once(watcher!, 'applied');
      await writeFile(path, JSON.stringify({ adverse_selection_spread_scale: 2 }));
      await applied;
      expect(holder.get().adverse_selection_spread_scale).toBe(2);
    });

    it('applies a file saved by rename, as many editors do', async () => {
      const holder = await started();
      const applied = once(watcher!, 'applied');
      const temp = join(dir, '.tuning_params.json.swp');
      await writeFile(temp, JSON.stringify({ adverse_selection_spread_scale: 4 }));
      await rename(temp, path);
      await applied;
      expect(holder.get().adverse_selection_spread_scale).toBe(4);
    });

    it('rejects an invalid edit and keeps the old params', async () => {
      const holder = await started();
      const rejected = once(watcher!, 'rejected');
      await writeFile(path, JSON.stringify({ adverse_selection_spread_scale: -3 }));
      const [error] = (await rejected) as [Error];
      expect(error.message).toContain('adverse_selection_spread_scale');
      expect(error.message).toContain(path);
      expect(holder.get().adverse_selection_spread_scale).toBe(1);
    });
  });

  describe('with a fake clock and a manual watch', () => {
    function manual(holder: ParamsHolder, clock: FakeClock) {
      let fire: (event: string, name: string) => void = () => {};
      watcher = new ParamsFileWatcher({
        path,
        holder,
        logger: silentLogger(),
        clock,
        debounceMs: 100,
        retryDelayMs: 200,
        watch: (_dir, listener) => {
          fire = (event, name) => listener(event, name);
          return Object.assign(new EventEmitter(), { close() {} }) as unknown as FSWatcher;
        },
      });
      watcher.start();
      return (name = 'tuning_params.json') => fire('change', name);
    }

    it('reads a half-written file once more before rejecting it', async () => {
      const clock = new FakeClock();
      const holder = new ParamsHolder();
      holder.update({ adverse_selection_spread_scale: 1 });
      const change = manual(holder, clock);
      const events: string[] = [];
      watcher!.on('applied', () => events.push('applied')).on('rejected', () => events.push('rejected'));
      await writeFile(path, '{"adverse_selection_spread_scale": ');
      change();
      const retry = clock.nextSleep();
      await clock.advance(100); // debounce over: the first read fails and a retry is scheduled
      expect(await retry).toBe(200);
      await writeFile(path, JSON.stringify({ adverse_selection_spread_scale: 7 }));
      await clock.advance(200);
      await watcher!.idle();
      expect(events).toEqual(['applied']);
      expect(holder.get().adverse_selection_spread_scale).toBe(7);
    });

    it('reports a file that is still broken after the retry as rejected', async () => {
      const clock = new FakeClock();
      const holder = new ParamsHolder();
      holder.update({ adverse_selection_spread_scale: 1 });
      const change = manual(holder, clock);
      await writeFile(path, '{"adverse_selection_spread_scale": ');
      const rejected = once(watcher!, 'rejected');
      change();
      const retry = clock.nextSleep();
      await clock.advance(100);
      await clock.advance(await retry);
      const [error] = (await rejected) as [Error];
      expect(error.message).toMatch(/not valid JSON/);
      expect(holder.get().adverse_selection_spread_scale).toBe(1);
    });

    it('debounces a burst of events into one reload and ignores other files', async () => {
      const clock = new FakeClock();
      const holder = new ParamsHolder();
      holder.update({ adverse_selection_spread_scale: 1 });
      const change = manual(holder, clock);
      let swaps = 0;
      holder.onSwap(() => swaps++);
      await writeFile(path, JSON.stringify({ adverse_selection_spread_scale: 3 }));
      change('other.json');
      change();
      change();
      change();
      await clock.advance(100);
      await watcher!.idle();
      expect(swaps).toBe(1);
      expect(holder.get().adverse_selection_spread_scale).toBe(3);
    });
  });
});
