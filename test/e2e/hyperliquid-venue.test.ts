/**
 * A runner on `--venue hyperliquid` against the local mock exchange (loopback; the mock recovers the
 * signer of every request and answers in the documented shapes), with the real edge for params:
 * it quotes post-only, requotes when the book moves, follows a param change from the edge, survives
 * a disconnect (cancels, reconciles, resumes), pulls everything on the kill switch in one action,
 * keeps the dead-man's switch ahead and lets it fire when it is SIGKILLed, and liquidates an
 * oversized position with reduce-only IOCs. The agent key appears in none of its output.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type EdgeProcess } from '../../tools/edge-process.ts';
import { eventually } from '../../tools/eventually.ts';
import { startRunner, stopAllRunners, type RunnerProcess, type RunnerStatus } from '../../tools/runner-process.ts';
import { createHyperliquidSigner } from '../../runner/venues/hyperliquid/hyperliquid-signer.ts';
import { MockHyperliquid, type MockRequest } from '../helpers/mock-hyperliquid.ts';
import { createSet, patch } from './helpers/edge-http.ts';

const SET = 'hl-live';
const AGENT_KEY = '0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f';
const MASTER = '0x00000000000000000000000000000000000000b1';
const agent = createHyperliquidSigner(AGENT_KEY);

let edge: EdgeProcess;
let mock: MockHyperliquid;
let keyFile: string;
let bookTimer: NodeJS.Timeout | null = null;

/** Re-publishes the book every 200 ms (the engine stops quoting on a book older than 5 s). */
function holdBook(mid: number): void {
  if (bookTimer) clearInterval(bookTimer);
  const publish = () =>
    mock.setBook(
      'HYPE',
      [
        [Number((mid - 0.001).toFixed(3)), 50],
        [Number((mid - 0.002).toFixed(3)), 50],
      ],
      [
        [Number((mid + 0.001).toFixed(3)), 50],
        [Number((mid + 0.002).toFixed(3)), 50],
      ],
    );
  publish();
  bookTimer = setInterval(publish, 200);
}

const actions = (type: string, since = 0): MockRequest[] =>
  mock.requests.slice(since).filter((r) => r.path === '/exchange' && (r.body.action as { type: string }).type === type);
const orderWires = (since = 0) =>
  actions('order', since).flatMap(
    (r) => (r.body.action as { orders: { p: string; r: boolean; t: { limit: { tif: string } } }[] }).orders,
  );
const open = () => mock.openOrdersOf(MASTER, 'HYPE');
const until = (what: string, predicate: () => boolean) => eventually(predicate, { what, timeoutMs: 60_000, intervalMs: 20 });

function spreadBps(s: RunnerStatus): number {
  const t = s.trading;
  return t?.bid != null && t.ask != null && t.mid != null ? ((t.ask - t.bid) / t.mid) * 1e4 : 0;
}

async function startHlRunner(id: string): Promise<RunnerProcess> {
  return startRunner({
    edgeUrl: edge.url,
    token: edge.tokens.read,
    set: SET,
    runnerId: id,
    region: 'eu-west',
    cacheDir: mkdtempSync(join(tmpdir(), 'lt-hl-cache-')),
    extraArgs: [
      '--venue',
      'hyperliquid',
      '--network',
      'testnet',
      '--key-file',
      keyFile,
      '--hl-account',
      MASTER,
      '--hl-api-url',
      mock.url,
      '--hl-ws-url',
      mock.wsUrl,
      '--hl-dead-man',
      '6',
      '--wait',
      '5',
      '--log-level',
      'debug',
    ],
  });
}

function expectNoKey(runner: RunnerProcess, status: unknown): void {
  const bare = AGENT_KEY.slice(2).toLowerCase();
  expect(runner.logs.join('\n').toLowerCase()).not.toContain(bare);
  expect(JSON.stringify(status).toLowerCase()).not.toContain(bare);
}

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-hl-')) });
  await createSet(edge.url, edge.tokens.write, SET, { base_half_spread_bps: 5, order_size: 0.3, max_position: 3 }, 'hl: create');
  mock = await MockHyperliquid.start({ signers: { [agent.address]: MASTER }, scheduleCheckMs: 100 });
  keyFile = join(mkdtempSync(join(tmpdir(), 'lt-hl-key-')), 'agent.key');
  writeFileSync(keyFile, `${AGENT_KEY}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
});

afterEach(async () => {
  if (bookTimer) clearInterval(bookTimer);
  bookTimer = null;
  await stopAllRunners();
});

afterAll(async () => {
  await mock?.close();
  await edge?.stop();
});

describe('a runner on the Hyperliquid venue (mock exchange)', () => {
  it('quotes, requotes, follows the edge, survives a disconnect, obeys the kill switch, and is covered by the dead-man switch when killed', async () => {
    holdBook(30);
    const runner = await startHlRunner('hl-1');
    await runner.waitForStatus((s) => s.trading?.bid != null && s.trading.ask != null, { what: 'two-sided quotes' });
    await until('two resting orders on the exchange', () => open().length === 2);
    expect(orderWires().every((w) => w.t.limit.tif === 'Alo' && w.r === false)).toBe(true);
    expect(mock.requests.filter((r) => r.path === '/exchange').every((r) => r.signer === agent.address)).toBe(true);

    // The book moves up 1 %: the quotes follow (cancel by cloid, new Alo orders around 30.3).
    let mark = mock.requests.length;
    holdBook(30.3);
    await until('requoted around 30.3', () => open().length === 2 && open().every((o) => Math.abs(o.px - 30.3) < 0.1));
    expect(actions('cancelByCloid', mark).length).toBeGreaterThan(0);

    // A change from the edge: a 50 bps half-spread is quoted at once.
    const wider = await patch(edge.url, edge.tokens.write, SET, { base_half_spread_bps: 50 }, 'hl: widen');
    await runner.waitForStatus((s) => s.trading?.params_version === wider.version && spreadBps(s) >= 100, {
      what: 'quotes ≥ 100 bps apart',
    });
    await until(
      'wide orders on the exchange',
      () => open().length === 2 && Math.abs(open()[0]!.px - open()[1]!.px) / 30.3 >= 0.01,
    );

    // The socket drops: resting orders are cancelled over HTTP, open orders are read again on
    // reconnect, and quoting resumes.
    mark = mock.requests.length;
    mock.disconnectAll();
    await until('reconciled after the reconnect', () =>
      mock.requests.slice(mark).some((r) => r.path === '/info' && r.body.type === 'openOrders'),
    );
    await until('quoting again', () => open().length === 2 && orderWires(mark).length >= 2);
    expect(actions('cancelByCloid', mark).length).toBeGreaterThan(0);

    // The dead-man's switch is pushed ahead while healthy.
    const status = await runner.waitForStatus(
      (s) => ((s.trading?.venue as { dead_man?: { refreshes: number } } | undefined)?.dead_man?.refreshes ?? 0) >= 2,
      {
        what: "two dead-man's switch refreshes",
      },
    );
    expect(status.trading?.venue).toMatchObject({ network: 'testnet', connected: true, rate: { ip_weight_limit: 1200 } });
    const metrics = await (await fetch(`${runner.statusUrl}/metrics`)).text();
    expect(metrics).toMatch(/livetune_hl_ip_weight_used\{[^}]*\} \d+/);
    expect(metrics).toMatch(/livetune_hl_dead_man_seconds_left\{[^}]*\} [\d.]+/);

    // Kill switch: both quotes go in one cancel action.
    mark = mock.requests.length;
    const halted = await patch(edge.url, edge.tokens.write, SET, { trading_mode: 'halted' }, 'hl: kill switch');
    await runner.waitForStatus(
      (s) => s.trading?.params_version === halted.version && s.trading.bid === null && s.trading.ask === null,
      {
        what: 'no quotes once halted',
      },
    );
    await until('nothing resting', () => open().length === 0);
    const cancels = actions('cancelByCloid', mark);
    expect((cancels[0]!.body.action as { cancels: unknown[] }).cancels).toHaveLength(2);
    expect(orderWires(mark)).toEqual([]);

    // Back to active, then the runner dies without a word: the exchange cancels its orders.
    await patch(edge.url, edge.tokens.write, SET, { trading_mode: 'active' }, 'hl: resume');
    await until('quoting again after the kill switch', () => open().length === 2);
    expectNoKey(runner, await runner.status());
    const firedBefore = mock.fired.length;
    await runner.stop('SIGKILL');
    expect(open()).toHaveLength(2);
    await until("the dead-man's switch fired", () => mock.fired.length > firedBefore);
    expect(open()).toHaveLength(0);
    expect(mock.fired.at(-1)!.oids).toHaveLength(2);
  });

  it('liquidates an oversized position with reduce-only IOCs at the opposite best within the slippage bound', async () => {
    holdBook(30);
    mock.setPosition(MASTER, 'HYPE', 3);
    const mark = mock.requests.length;
    const runner = await startHlRunner('hl-2');
    await until('a reduce-only IOC', () => orderWires(mark).some((w) => w.t.limit.tif === 'Ioc'));
    const iocs = orderWires(mark).filter((w) => w.t.limit.tif === 'Ioc');
    expect(iocs.every((w) => w.r === true)).toBe(true);
    // Selling into the bid (29.999) no lower than 10 bps under it.
    for (const w of iocs) expect(Number(w.p)).toBeGreaterThanOrEqual(29.999 * (1 - 0.001) - 0.001);
    await until('position reduced', () => mock.position(MASTER, 'HYPE') < 3);
    expectNoKey(runner, await runner.status());
  });
});
