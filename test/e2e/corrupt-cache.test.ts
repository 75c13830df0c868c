/**
 * A runner restarted while the edge is down, with a corrupt last-known-good cache file: it must not
 * quote on garbage and must not quietly fall back to defaults. It exits non-zero with an error that
 * names the file, before its status server (and its quoting loop) ever reports running. A good
 * cache file in the same place is the control: that runner starts from it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { etagFor } from '../../shared/etag.ts';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import { startRunner, stopAllRunners } from '../../tools/runner-process.ts';

const SET = 'corrupt-cache';

/** An edge URL nobody listens on: the edge is down. */
async function deadEdgeUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function cacheWith(content: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lt-corrupt-'));
  const file = join(dir, `${SET}.json`);
  writeFileSync(file, content);
  return { dir, file };
}

const LINEAGE = 'cache-lineage-0001';
const goodEntry = {
  set: SET,
  lineage: LINEAGE,
  version: 7,
  etag: etagFor(SET, LINEAGE, 7),
  params: { ...DEFAULT_PARAMS, base_half_spread_bps: 9 },
  saved_at: new Date().toISOString(),
};

afterEach(async () => {
  await stopAllRunners();
});

async function startOn(cacheDir: string, extraArgs: string[] = []) {
  return startRunner({
    edgeUrl: await deadEdgeUrl(),
    token: 'read-token-for-a-dead-edge',
    set: SET,
    runnerId: 'r-corrupt',
    region: 'eu-west-1',
    cacheDir,
    waitForStatus: false,
    extraArgs,
  });
}

describe('a runner starting with the edge down', () => {
  const corrupt: [string, string][] = [
    ['truncated JSON', JSON.stringify(goodEntry).slice(0, 40)],
    ['not JSON at all', '\u0000\u0001garbage\n'],
    [
      'params that break the schema',
      JSON.stringify({ ...goodEntry, params: { ...goodEntry.params, skew_adjustment_factor: 99 } }),
    ],
    ['a number given as a string', JSON.stringify({ ...goodEntry, params: { ...goodEntry.params, order_size: '0.3' } })],
    ['another set', JSON.stringify({ ...goodEntry, set: 'some-other-set' })],
    ['an etag that names another version', JSON.stringify({ ...goodEntry, etag: etagFor(SET, LINEAGE, 8) })],
    ['no lineage (written before lineages)', JSON.stringify({ ...goodEntry, lineage: undefined, etag: `"${SET}.v7"` })],
  ];

  for (const [what, content] of corrupt) {
    it(`exits non-zero naming the file, and never quotes, when the cache holds ${what}`, async () => {
      const { dir, file } = cacheWith(content);
      const runner = await startOn(dir, ['--allow-defaults']);
      const exit = await runner.exited;
      expect(exit.code, runner.logs.join('\n')).not.toBe(0);
      expect(exit.code).not.toBeNull();
      const output = runner.logs.join('\n');
      expect(output).toContain(file);
      // Never started: no status server, no quoting loop announced, no fall-back to defaults.
      expect(runner.statusUrl).toBe('');
      expect(runner.logRecords().some((r) => r.msg === 'runner started')).toBe(false);
      expect(output).not.toMatch(/quoting on the default params/);
    });
  }

  it('starts from a good cache file in the same place (the control)', async () => {
    const { dir } = cacheWith(JSON.stringify(goodEntry));
    const runner = await startOn(dir);
    await runner.waitFor(() => runner.statusUrl !== '', { what: 'the status port' });
    const status = await runner.waitForStatus((s) => s.trading?.bid != null, { what: 'quoting on the cached params' });
    expect(status.started_from).toBe('cache');
    expect(status.version).toBe(7);
    expect(status.params?.base_half_spread_bps).toBe(9);
    expect(status.sync_state).toBe('stale');
  });
});
