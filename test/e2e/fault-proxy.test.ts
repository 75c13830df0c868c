/**
 * A real runner talking to a real `wrangler dev` through a fault-injecting proxy, taken through
 * each fault: resets, a black hole, a slow link, truncated bodies, garbage bodies, 5xx with and
 * without Retry-After. For every fault the runner stays alive, never applies anything that is not
 * a valid version from the edge, says `stale` when the edge is effectively gone, honours
 * Retry-After (checked by the proxy's request count, never by wall time), and once the fault is
 * cleared applies the next version written.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { etagFor } from '../../shared/etag.ts';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import { startEdge } from '../../tools/edge-process.ts';
import { createSet, head, patch } from './helpers/edge-http.ts';
import { startFaultProxy, type FaultMode, type FaultProxy } from './helpers/fault-proxy.ts';
import { eventually } from '../../tools/eventually.ts';
import { startRunner, stopAllRunners, type RunnerProcess } from '../../tools/runner-process.ts';

const SET = 'faults';

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;
let proxy: FaultProxy;
let writes = 0;

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-faults-')) });
  await createSet(edge.url, edge.tokens.write, SET, { order_size: 0.3 }, 'faults: create');
});

afterEach(async () => {
  await stopAllRunners();
  await proxy?.close();
});

afterAll(async () => {
  await edge?.stop();
});

/** A runner whose edge is the proxy, synced and ready on the current head. */
async function runnerBehindProxy(
  sync: 'longpoll' | 'ws' = 'longpoll',
  extraArgs = ['--wait', '2', '--grace', '600', '--interval', '0.5'],
): Promise<RunnerProcess> {
  proxy = await startFaultProxy({ target: edge.url });
  const runner = await startRunner({
    edgeUrl: proxy.url,
    token: edge.tokens.read,
    set: SET,
    runnerId: 'r-faults',
    region: 'eu-west-1',
    sync,
    cacheDir: mkdtempSync(join(tmpdir(), 'lt-faults-cache-')),
    // By default a short long-poll wait so a black-holed request times out (wait + the runner's
    // slack) soon, and a long grace so a fault reads `stale`, not `error`.
    extraArgs,
  });
  const current = await head(edge.url, edge.tokens.read, SET);
  await runner.waitForStatus((s) => s.version === current!.version.version && s.sync_state === 'ready', {
    what: 'ready on the head',
  });
  return runner;
}

/** Writes a new version straight to the edge (not through the proxy). */
async function write(): Promise<number> {
  writes += 1;
  const version = await patch(
    edge.url,
    edge.tokens.write,
    SET,
    { order_size: Number((0.3 + writes / 100).toFixed(2)) },
    `faults: write ${writes}`,
  );
  return version.version;
}

/** Clears the fault, writes a version and waits for the runner to apply it. */
async function recovers(runner: RunnerProcess): Promise<void> {
  proxy.setMode({ kind: 'pass' });
  const version = await write();
  const s = await runner.waitForStatus((st) => st.version === version && st.sync_state === 'ready', {
    what: `v${version} applied after the fault cleared`,
    timeoutMs: 60_000,
  });
  expect(s.params?.order_size).toBe(Number((0.3 + writes / 100).toFixed(2)));
}

/** The runner's applied versions never go backwards and never repeat. */
function expectMonotonic(runner: RunnerProcess): void {
  const applied = runner
    .logRecords()
    .filter((r) => r.msg === 'applied params version')
    .map((r) => r.version as number);
  expect(applied).toEqual([...new Set(applied)].sort((a, b) => a - b));
}

/** Params requests that met a fault of this kind. */
function faulted(kind: FaultMode['kind']): number {
  return proxy.requests.filter((r) => r.mode === kind && r.path.endsWith('/params')).length;
}

/**
 * Switches to `mode`, waits until the runner has met the fault `met` times (so it has seen the
 * fault's answer and come back for more, not only the cut of its held long-poll), then checks it
 * is alive, stale and still on `held`.
 */
async function staysOnVersionButStale(
  runner: RunnerProcess,
  mode: FaultMode,
  held: number,
  { met = 2, keepInFlight = false } = {},
): Promise<void> {
  proxy.setMode(mode, { keepInFlight });
  await eventually(() => faulted(mode.kind) >= met, { what: `${met} requests through ${mode.kind}`, timeoutMs: 60_000 });
  const s = await runner.waitForStatus((st) => st.sync_state === 'stale', { what: `stale under ${mode.kind}` });
  expect(s.version).toBe(held);
  expect(s.last_error).toBeTruthy();
  expect(runner.alive()).toBe(true);
}

describe('a runner behind a faulty link to the edge', () => {
  it('survives connection resets: stale, same params, and applies the next version once the link is back', async () => {
    const runner = await runnerBehindProxy();
    const held = (await runner.status()).version!;
    // It keeps trying (with backoff) rather than giving up.
    await staysOnVersionButStale(runner, { kind: 'reset' }, held, { met: 3 });
    await recovers(runner);
    expectMonotonic(runner);
  });

  it('survives a black hole (requests accepted, never answered): stale after its deadline, then recovers', async () => {
    const runner = await runnerBehindProxy();
    const held = (await runner.status()).version!;
    // The held long-poll ends normally; the next request goes into the hole and must time out.
    await staysOnVersionButStale(runner, { kind: 'drop' }, held, { met: 1, keepInFlight: true });
    expect((await runner.status()).last_error).toMatch(/no answer|time/i);
    await recovers(runner);
    expectMonotonic(runner);
  });

  it('applies versions through a slow link and stays ready', async () => {
    const runner = await runnerBehindProxy();
    proxy.setMode({ kind: 'delay', ms: 400 }, { keepInFlight: true });
    const version = await write();
    const s = await runner.waitForStatus((st) => st.version === version, { what: `v${version} through the slow link` });
    expect(s.sync_state).toBe('ready');
    expectMonotonic(runner);
  });

  it('never applies a truncated body, and applies the version once bodies arrive whole', async () => {
    const runner = await runnerBehindProxy();
    const held = (await runner.status()).version!;
    proxy.setMode({ kind: 'truncate' });
    const pending = await write();
    // Every answer now carries v`pending`, cut in half: the runner must not apply it.
    await eventually(() => faulted('truncate') >= 2, { what: 'truncated answers', timeoutMs: 60_000 });
    const s = await runner.waitForStatus((st) => st.sync_state === 'stale', { what: 'stale on truncated bodies' });
    expect(s.version).toBe(held);
    expect(runner.alive()).toBe(true);
    proxy.setMode({ kind: 'pass' });
    await runner.waitForStatus((st) => st.version === pending && st.sync_state === 'ready', {
      what: `v${pending} once bodies arrive whole`,
      timeoutMs: 60_000,
    });
    expectMonotonic(runner);
  });

  for (const [what, body] of [
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>'],
    ['JSON of the wrong shape', JSON.stringify({ ok: true, data: { version: 'latest', params: [] } })],
    ['an empty body', ''],
  ] as const) {
    it(`ignores ${what} served as a 200: no change to its params, stale, then recovers`, async () => {
      const runner = await runnerBehindProxy();
      const before = await runner.status();
      await staysOnVersionButStale(
        runner,
        { kind: 'garbage', body, headers: { etag: etagFor(SET, before.lineage!, before.version! + 1) } },
        before.version!,
      );
      expect((await runner.status()).params).toEqual(before.params);
      await recovers(runner);
      expectMonotonic(runner);
    });
  }

  it('rejects a well-formed version whose params break the schema, keeps its params, and says why', async () => {
    const runner = await runnerBehindProxy();
    const before = await runner.status();
    const forged = before.version! + 1;
    const bad = {
      set: SET,
      lineage: before.lineage!,
      version: forged,
      params: { ...DEFAULT_PARAMS, skew_adjustment_factor: 99 },
      created_at: new Date().toISOString(),
      author: 'mallory',
      message: 'out of range',
      kind: 'update',
      parent: before.version!,
    };
    proxy.setMode({ kind: 'garbage', body: JSON.stringify(bad), headers: { etag: etagFor(SET, before.lineage!, forged) } });
    const s = await runner.waitForStatus((st) => st.rejected?.version === forged, { what: 'the forged version rejected' });
    expect(s.rejected!.reason).toContain('skew_adjustment_factor');
    expect(s.version).toBe(before.version);
    expect(s.params).toEqual(before.params);
    expect(runner.logRecords().some((r) => r.msg === 'applied params version' && r.version === forged)).toBe(false);
    expect(runner.alive()).toBe(true);
    // Versions are immutable, so the runner rightly never asks for the number it rejected again;
    // recovery shows on the version after it.
    proxy.setMode({ kind: 'pass' });
    await write();
    const next = await write();
    await runner.waitForStatus((st) => st.version === next && st.sync_state === 'ready', {
      what: `v${next} after the forged version`,
      timeoutMs: 60_000,
    });
    expectMonotonic(runner);
  });

  it('backs off on 500s without Retry-After, stale, and recovers', async () => {
    const runner = await runnerBehindProxy();
    const held = (await runner.status()).version!;
    await staysOnVersionButStale(runner, { kind: 'status', status: 500 }, held);
    await recovers(runner);
    expectMonotonic(runner);
  });

  for (const status of [503, 429] as const) {
    it(`honours ${status} Retry-After: no request to the edge before it, then recovers`, async () => {
      const runner = await runnerBehindProxy();
      const held = (await runner.status()).version!;
      // The request cut by the switch is retried after a short backoff and meets the ${status}.
      await staysOnVersionButStale(runner, { kind: 'status', status, retryAfterS: 8 }, held, { met: 1 });
      await recovers(runner);
      // Each params request after a ${status} came at least Retry-After later (the proxy answers
      // at once, so the runner had the answer right after the request's arrival). A busy machine
      // can only make the gap longer; no fixed sleep needed.
      const params = proxy.requests.filter((r) => r.path.endsWith('/params'));
      const refused = params.filter((r) => r.mode === 'status');
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const answer of refused) {
        const next = params.find((r) => r.at > answer.at);
        expect(next, 'a params request after the refusal').toBeDefined();
        expect(next!.at - answer.at).toBeGreaterThanOrEqual(8_000);
      }
      expectMonotonic(runner);
    });
  }

  it('on the watch socket: a cut socket and refused reconnects make it stale, and it catches up once the link is back', async () => {
    const runner = await runnerBehindProxy('ws');
    const held = (await runner.status()).version!;
    const watches = () => proxy.requests.filter((r) => r.mode === 'reset' && r.path.endsWith('/watch')).length;
    // Switching cuts the open socket; every reconnect is reset.
    proxy.setMode({ kind: 'reset' });
    await eventually(() => watches() >= 2, { what: 'reconnects refused by resets', timeoutMs: 60_000 });
    const s = await runner.waitForStatus((st) => st.sync_state === 'stale', { what: 'stale with the socket down' });
    expect(s.version).toBe(held);
    expect(runner.alive()).toBe(true);
    // A version written while the socket is down arrives with the reconnect (catch-up on connect).
    const missed = await write();
    proxy.setMode({ kind: 'pass' });
    await runner.waitForStatus((st) => st.version === missed && st.sync_state === 'ready', {
      what: `v${missed} caught up on reconnect`,
      timeoutMs: 60_000,
    });
    await recovers(runner);
    expectMonotonic(runner);
  });

  it('does not turn a blip shorter than the grace period into error once the link is back', async () => {
    // Grace 4 s, long-poll wait 10 s: the link is cut for about a second, then works again.
    const runner = await runnerBehindProxy('longpoll', ['--wait', '10', '--grace', '4', '--interval', '0.5']);
    proxy.setMode({ kind: 'reset' });
    await runner.waitForStatus((st) => st.sync_state === 'stale', { what: 'stale during the blip' });
    proxy.setMode({ kind: 'pass' }, { keepInFlight: true });
    const backAt = proxy.requests.length;
    // Watch the state from the moment the runner's first request since the blip reaches the
    // edge until that request is answered: the edge is reachable all along.
    await eventually(() => proxy.requests.slice(backAt).some((r) => r.mode === 'pass' && r.path.endsWith('/params')), {
      what: 'a request through the restored link',
      timeoutMs: 60_000,
    });
    const seen = new Set<string>();
    await runner.waitForStatus(
      (st) => {
        seen.add(st.sync_state);
        return st.sync_state === 'ready';
      },
      { what: 'ready after the blip', timeoutMs: 30_000 },
    );
    expect([...seen], 'states seen while the edge was reachable again').not.toContain('error');
  });
});
