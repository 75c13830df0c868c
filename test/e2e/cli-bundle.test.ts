/**
 * `bin/livetune.mjs` runs the CLI's esbuild bundle (tools/cli-bundle.ts) and rebuilds it first when
 * it is missing or stale — here made stale by removing its list of sources, as an edit of a listed
 * file would — with nothing on stderr and the same answers as from source.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProcess } from '../../tools/managed-process.ts';
import { CLI_BUNDLE_ENTRY, CLI_BUNDLE_SOURCES, ROOT } from '../../tools/cli-bundle.ts';
import { type FakeEdge, startFakeEdge, WRITE_TOKEN } from '../node/helpers/fake-edge.ts';
import { startCli, stopAllClis } from './helpers/cli-process.ts';

let edge: FakeEdge;

beforeEach(async () => {
  edge = await startFakeEdge();
  edge.write('hype-perp', { order_size: 0.4 }, 'alice', 'seed');
});
afterEach(async () => {
  await stopAllClis();
  await edge.close();
});

const env = () => ({ ...process.env, LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' });

describe('the livetune bundle', () => {
  it('is rebuilt by the bin when stale, then answers like the source', async () => {
    rmSync(join(ROOT, CLI_BUNDLE_SOURCES), { force: true });
    const before = Date.now();
    const bundled = await startCli(['get', 'order_size'], { env: env() }).done;
    expect(bundled.stderr).toBe('');
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toBe('0.4\n');
    expect(statSync(join(ROOT, CLI_BUNDLE_SOURCES)).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
    expect(statSync(join(ROOT, CLI_BUNDLE_ENTRY)).isFile()).toBe(true);

    // Fresh now: the next start uses it as it is, and from source the answer is the same.
    const built = statSync(join(ROOT, CLI_BUNDLE_ENTRY)).mtimeMs;
    const again = await startCli(['get', '--json'], { env: env() }).done;
    expect(again.code).toBe(0);
    expect(statSync(join(ROOT, CLI_BUNDLE_ENTRY)).mtimeMs).toBe(built);
    const source = startProcess('livetune from source', process.execPath, [join(ROOT, 'cli', 'main.ts'), 'get', '--json'], {
      env: env(),
    });
    try {
      expect((await source.exited).code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual(JSON.parse(source.output('stdout')));
    } finally {
      await source.kill();
    }
  });
});
