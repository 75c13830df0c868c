/**
 * A real runner, a real `wrangler dev`, and a middlebox on 127.0.0.1 that lies about identity
 * (issue 11, rows 3 and 4). An answer's ETag must name the version in its body — set, lineage and
 * number — or the answer is garbage: never applied under that tag, never stored, never sent back as
 * If-None-Match (where an edge would answer 304 to the lie for ever and hide the kill switch). And a
 * last-known-good cache from another history of the set (a staging edge, a wiped edge) is never
 * taken as confirmed by this edge just because its version number is the same.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { etagFor } from '../../shared/etag.ts';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import { startEdge } from '../../tools/edge-process.ts';
import { eventually } from '../../tools/eventually.ts';
import { startRunner, stopAllRunners } from '../../tools/runner-process.ts';
import { createSet, fleet, head, patch } from './helpers/edge-http.ts';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.ts';

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;
let proxy: FaultProxy | undefined;

const RUNNER_ARGS = ['--wait', '2', '--grace', '600', '--interval', '0.5'];

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-hostile-proxy-')) });
});

afterEach(async () => {
  await stopAllRunners();
  await proxy?.close();
  proxy = undefined;
});

afterAll(async () => {
  await edge?.stop();
});

/** The tag of the next version, as a lying proxy would write it: same set and lineage, number + 1. */
function nextVersionsTag(tag: string): string {
  return tag.replace(/\.v([0-9]+)"$/, (_, n: string) => `.v${Number(n) + 1}"`);
}

function cacheFile(dir: string, set: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, `${set}.json`), 'utf8')) as Record<string, unknown>;
}

describe('a proxy that rewrites identity between the runner and the edge', () => {
  it("row 3: an ETag rewritten to the next version's is refused and never stored, and the kill switch still arrives", async () => {
    const set = 'etag-liar';
    await createSet(edge.url, edge.tokens.write, set, { order_size: 0.3 }, 'row 3: create');
    proxy = await startFaultProxy({ target: edge.url });
    const cacheDir = mkdtempSync(join(tmpdir(), 'lt-etag-liar-cache-'));
    const runner = await startRunner({
      edgeUrl: proxy.url,
      token: edge.tokens.read,
      set,
      runnerId: 'r-etag-liar',
      region: 'eu-west-1',
      cacheDir,
      extraArgs: RUNNER_ARGS,
    });
    await runner.waitForStatus((s) => s.version === 1 && s.sync_state === 'ready', { what: 'ready on v1' });

    // The next 200 the proxy forwards (the long-poll's answer with v2) claims to be v3.
    proxy.setMode({ kind: 'rewrite-etag', times: 1, rewrite: nextVersionsTag });
    const v2 = await patch(edge.url, edge.tokens.write, set, { order_size: 0.4 }, 'row 3: an ordinary change');
    await runner.waitFor(() => proxy!.rewrites.length === 1, { what: 'the lie told once' });
    const truth = proxy.rewrites[0]!.from;
    expect(proxy.rewrites[0]!.to).not.toBe(truth);

    // The lie was a failed answer (reported), and v2 was applied only under its own tag.
    const applied = await runner.waitForStatus((s) => s.version === v2.version && s.sync_state === 'ready', {
      what: 'v2 applied under its true tag',
    });
    expect(applied.etag).toBe(truth);
    // The cache is written (atomically) just after the swap that /status shows: wait for it, then check it.
    const cachedV2 = await eventually(() => cacheFile(cacheDir, set).version === v2.version && cacheFile(cacheDir, set), {
      what: 'the cache file to hold v2',
      timeoutMs: 30_000,
    });
    expect(cachedV2).toMatchObject({ version: v2.version, etag: truth });
    expect(runner.logRecords().some((r) => JSON.stringify(r).includes('does not match'))).toBe(true);

    // The kill switch: the runner's next If-None-Match is v2's true tag, so it hears of v3 at once.
    const kill = await patch(edge.url, edge.tokens.write, set, { trading_mode: 'halted' }, 'row 3: kill switch');
    const halted = await runner.waitForStatus((s) => s.version === kill.version && s.sync_state === 'ready', {
      what: 'the kill switch applied',
    });
    expect(halted.params?.trading_mode).toBe('halted');
    const cachedKill = await eventually(() => cacheFile(cacheDir, set).version === kill.version && cacheFile(cacheDir, set), {
      what: 'the cache file to hold the kill switch',
      timeoutMs: 30_000,
    });
    expect(cachedKill).toMatchObject({ version: kill.version, etag: halted.etag });
    expect(halted.etag).toBe((await head(edge.url, edge.tokens.read, set))!.etag);
  });

  it("row 4: a cache from another lineage with the same version number gives way to the edge's head once the edge is up", async () => {
    const set = 'other-history';
    const edgeHead = await createSet(
      edge.url,
      edge.tokens.write,
      set,
      { order_size: 0.3, trading_mode: 'halted' },
      'row 4: this edge says halted',
    );
    // A staging edge's cache: same set, same version number, its own lineage and params.
    const foreign = 'staging-lineage-0001';
    expect(foreign).not.toBe(edgeHead.lineage);
    const cacheDir = mkdtempSync(join(tmpdir(), 'lt-other-history-cache-'));
    writeFileSync(
      join(cacheDir, `${set}.json`),
      JSON.stringify({
        set,
        lineage: foreign,
        version: edgeHead.version,
        etag: etagFor(set, foreign, edgeHead.version),
        params: { ...DEFAULT_PARAMS, order_size: 5, max_position: 10, trading_mode: 'active' },
        saved_at: new Date().toISOString(),
      }),
    );
    // The edge is down at start: every connection is reset.
    proxy = await startFaultProxy({ target: edge.url, initial: { kind: 'reset' } });
    const runner = await startRunner({
      edgeUrl: proxy.url,
      token: edge.tokens.read,
      set,
      runnerId: 'r-other-history',
      region: 'eu-west-1',
      cacheDir,
      extraArgs: RUNNER_ARGS,
    });
    const offline = await runner.status();
    expect(offline).toMatchObject({ started_from: 'cache', version: edgeHead.version, params: { order_size: 5 } });

    // The edge comes up: the runner must take the edge's head, not keep the cache as "confirmed".
    proxy.setMode({ kind: 'pass' });
    const adopted = await runner.waitForStatus(
      (s) => s.sync_state === 'ready' && s.params?.order_size === 0.3 && s.params.trading_mode === 'halted',
      { what: "the edge's head adopted" },
    );
    expect(adopted).toMatchObject({ version: edgeHead.version, lineage: edgeHead.lineage });
    await runner.waitFor(() => cacheFile(cacheDir, set).lineage === edgeHead.lineage, { what: 'the cache replaced' });
    expect(cacheFile(cacheDir, set)).toMatchObject({
      lineage: edgeHead.lineage,
      version: edgeHead.version,
      etag: etagFor(set, edgeHead.lineage, edgeHead.version),
      params: { order_size: 0.3, trading_mode: 'halted' },
    });
    // It says so: in its log, and in its report (the fleet entry names the edge's lineage).
    expect(runner.logRecords().some((r) => r.held_lineage === foreign && r.lineage === edgeHead.lineage)).toBe(true);
    await runner.waitFor(
      async () => (await fleet(edge.url, edge.tokens.read, set)).runners.some((r) => r.lineage === edgeHead.lineage),
      { what: 'a report on the edge lineage' },
    );
  });
});
