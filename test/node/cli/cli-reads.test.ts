import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';
import { runCli } from './run-cli.ts';
import { eventually } from '../../../tools/eventually.ts';

let edge: FakeEdge;
let env: Record<string, string>;

beforeEach(async () => {
  edge = await startFakeEdge();
  env = { LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' };
  edge.write('hype-perp', {}, 'alice', 'seed');
  edge.write('hype-perp', { skew_adjustment_factor: 1.2 }, 'bob', 'lean harder');
});
afterEach(() => edge.close());

describe('reading', () => {
  it('get prints every key with its range, one key alone, or JSON that parses', async () => {
    const table = await runCli(['get'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('hype-perp v2 · update by bob');
    expect(table.stdout).toMatch(/skew_adjustment_factor\s+1\.2\s+a finite number in \[0, 2\]\s+\(default 0\.5\)/);
    expect((await runCli(['get', 'skew_adjustment_factor'], env)).stdout).toBe('1.2\n');
    const json = JSON.parse((await runCli(['get', '--json'], env)).stdout) as {
      version: number;
      params: Record<string, unknown>;
    };
    expect(json.version).toBe(2);
    expect(json.params.skew_adjustment_factor).toBe(1.2);
  });

  it('history lists version, kind, author, time and message, newest first', async () => {
    const run = await runCli(['history'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^VERSION\s+KIND\s+AUTHOR\s+TIME\s+MESSAGE$/);
    expect(lines[1]).toMatch(/^v2\s+update\s+bob\s+2026-11-24 15:00:01Z\s+lean harder$/);
    expect(lines[2]).toMatch(/^v1\s+create\s+alice/);
    const json = JSON.parse((await runCli(['history', '--json', '-n', '1'], env)).stdout) as {
      versions: unknown[];
      next_before: number;
    };
    expect(json.versions).toHaveLength(1);
    expect(json.next_before).toBe(2);
  });

  it('show and diff read one version and the keys that differ', async () => {
    expect((await runCli(['show', 'v1', 'skew_adjustment_factor'], env)).stdout).toBe('0.5\n');
    const diff = await runCli(['diff', '1', '2'], env);
    expect(diff.stdout).toContain('skew_adjustment_factor: 0.5 → 1.2');
    const toCurrent = JSON.parse((await runCli(['diff', '1', '--json'], env)).stdout) as { to: number };
    expect(toCurrent.to).toBe(2);
  });

  it('fleet shows runner, region, applied version, state, params age, last seen, inventory, P&L and status', async () => {
    edge.fleet.set('hype-perp', [
      {
        runner_id: 'r-fra-1',
        region: 'fra',
        applied_version: 2,
        sync_state: 'ready',
        params_age_s: 3,
        last_seen: '2026-11-24T15:00:55.000Z',
        trading: { inventory: 1.25, pnl: -3.5 },
      },
      {
        runner_id: 'r-sin-1',
        region: 'sin',
        applied_version: 1,
        rejected: { version: 2, reason: 'bad' },
        sync_state: 'stale',
        params_age_s: 400,
        last_seen: '2026-11-24T15:00:00.000Z',
        status: 'silent',
      },
    ]);
    const run = await runCli(['fleet'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/RUNNER\s+REGION\s+APPLIED\s+STATE\s+PARAMS AGE\s+LAST SEEN\s+INVENTORY\s+P&L\s+STATUS/);
    // Only live runners count as "on v2".
    expect(run.stdout).toContain('2 runners: 1 live (1 on v2), 1 silent, 0 stopped');
    expect(run.stdout).toMatch(/r-sin-1 .* silent$/m);
    expect(run.stdout).toMatch(/r-fra-1\s+fra\s+v2\s+ready\s+3s\s+5s ago\s+1\.25\s+-3\.5/);
    expect(run.stdout).toMatch(/r-sin-1\s+sin\s+v1 \(behind v2\)\s+stale, rejected v2/);
    const json = JSON.parse((await runCli(['fleet', '--json'], env)).stdout) as { runners: unknown[] };
    expect(json.runners).toHaveLength(2);
  });

  it('sets and schema answer with JSON that parses', async () => {
    const sets = JSON.parse((await runCli(['sets', '--json'], env)).stdout) as { sets: { set: string; version: number }[] };
    expect(sets.sets).toEqual([expect.objectContaining({ set: 'hype-perp', version: 2 })]);
    const schema = JSON.parse((await runCli(['schema'], env)).stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toContain('trading_mode');
  });

  it('quote prints the control vector for a state, using the current set', async () => {
    const run = await runCli(['quote', '--state', '{"mid":25,"inventory":0,"adverse_selection":0}'], env);
    expect(run.code).toBe(0);
    const quote = JSON.parse(run.stdout) as { offsets_bps: { bid: number; ask: number } };
    expect(quote.offsets_bps).toEqual({ bid: 5, ask: 5 });
    const bad = await runCli(['quote', '--state', '{"mid":-1,"inventory":0,"adverse_selection":0}'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mid');
  });
});

describe('watch', () => {
  it('prints each new version as it lands (long-poll when the WebSocket is unavailable)', async () => {
    const done = runCli(['watch', '--count', '2', '--json'], env);
    // Two writes after the watch started; the fake wakes the long-poll on each.
    await eventually(() => edge.requests.some((r) => r.path.includes('wait=')), {
      what: 'the watch to hold a long-poll',
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    edge.write('hype-perp', { order_size: 0.4 }, 'carol', 'w3');
    edge.write('hype-perp', { order_size: 0.5 }, 'carol', 'w4');
    const run = await done;
    expect(run.code).toBe(0);
    const versions = run.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { version: number }).version);
    expect(versions).toEqual([3, 4]);
  });

  it('takes pushes from the WebSocket when the edge offers one, with the Authorization header', async () => {
    await edge.close();
    edge = await startFakeEdge({ watchSocket: true });
    env.LIVETUNE_URL = edge.url;
    edge.write('hype-perp', {}, 'alice', 'seed');
    const done = runCli(['watch', '--count', '1'], env);
    await eventually(() => edge.sockets() > 0, { what: 'the watch socket to open', timeoutMs: 10_000, intervalMs: 10 });
    edge.write('hype-perp', { trading_mode: 'halted' }, 'carol', 'kill switch');
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hype-perp v2 · update by carol');
    expect(run.stdout).toContain('trading_mode: "active" → "halted"');
    expect(edge.requests.find((r) => r.method === 'WS')?.headers.authorization).toBe(`Bearer ${WRITE_TOKEN}`);
    expect(edge.requests.some((r) => r.path.includes('wait='))).toBe(false);
  });
});

describe('backtest of a live version', () => {
  it('runs the head or --at-version N of --set, each its own report, and asks for params without a set', async () => {
    const head = await runCli(['backtest', '--duration', '1m', '--json'], env);
    expect(head.code).toBe(0);
    const v1 = await runCli(['backtest', '--at-version', '1', '--duration', '1m', '--json'], env);
    expect(v1.code).toBe(0);
    // v2 leans harder (k_skew 1.2): a different strategy on the same market, so a different report.
    expect(JSON.parse(head.stdout)).not.toEqual(JSON.parse(v1.stdout));
    const plain = await runCli(['backtest', '--duration', '1m', '--json'], { ...env, LIVETUNE_SET: '' });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/no params: pass --params FILE, or --set NAME/);
  });
});

describe('sweep --propose', () => {
  it('writes nothing when no candidate beats the base on both seed sets, and says so', async () => {
    const run = await runCli(
      [
        'sweep',
        '--grid',
        'skew_adjustment_factor=1.2',
        '--seeds',
        '1',
        '--holdout',
        '2',
        '--duration',
        '1m',
        '--workers',
        '1',
        '--propose',
        '-m',
        'tune',
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/--propose: no version written/);
    expect(JSON.parse((await runCli(['get', '--json'], env)).stdout).version).toBe(2);
  });

  it('refuses to propose without holdout seeds, a message or a live set', async () => {
    const noHoldout = await runCli(['sweep', '--grid', 'skew_adjustment_factor=1', '--propose', '-m', 'x'], env);
    expect(noHoldout.code).toBe(2);
    expect(noHoldout.stderr).toMatch(/--propose needs --holdout seeds/);
    const noMessage = await runCli(['sweep', '--grid', 'skew_adjustment_factor=1', '--holdout', '9', '--propose'], env);
    expect(noMessage.stderr).toMatch(/--propose needs -m/);
  });
});
