import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

let dir: string;
let params: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livetune-bt-'));
  params = join(dir, 'params.json');
  await writeFile(params, JSON.stringify({ skew_adjustment_factor: 0.8 }));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('livetune backtest', () => {
  it('prints the same report for the same params, scenario and seed (--json parses)', async () => {
    const argv = ['backtest', '--params', params, '--scenario', 'toxic', '--seed', '7', '--duration', '2m', '--json'];
    const [a, b] = [await runCli(argv, {}), await runCli(argv, {})];
    expect(a.code).toBe(0);
    const report = JSON.parse(a.stdout) as { scenario: string; seed: number; duration_ms: number };
    expect(report).toMatchObject({ scenario: 'toxic', seed: 7, duration_ms: 120_000 });
    expect(b.stdout).toBe(a.stdout);
  });

  it('overrides scenario knobs with --knob, and names a wrong knob (exit 2)', async () => {
    const base = ['backtest', '--params', params, '--scenario', 'calm', '--seed', '3', '--duration', '2m', '--json'];
    const plain = JSON.parse((await runCli(base, {})).stdout) as { fills: { count: number } };
    const busy = JSON.parse(
      (await runCli([...base, '--knob', 'marketOrdersPerS=20', '--knob', 'meanOrderSize=1'], {})).stdout,
    ) as { fills: { count: number } };
    expect(busy.fills.count).toBeGreaterThan(plain.fills.count);
    const wrong = await runCli(['backtest', '--params', params, '--knob', 'marketOrders=20'], {});
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('unknown knob "marketOrders"');
    expect(wrong.stderr).toContain('marketOrdersPerS');
  });

  it('prints a readable report', async () => {
    const run = await runCli(['backtest', '--params', params, '--duration', '1m'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^backtest calm · seed 1 · 1min simulated/);
    expect(run.stdout).toMatch(/^P&L\s+/m);
  });

  it('rejects an unknown scenario, a bad duration and an invalid params file before running (exit 2)', async () => {
    const scenario = await runCli(['backtest', '--params', params, '--scenario', 'nope'], {});
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toContain('expected one of calm, volatile, toxic, regime-switch');
    const duration = await runCli(['backtest', '--params', params, '--duration', '6 hours'], {});
    expect(duration.code).toBe(2);
    expect(duration.stderr).toContain('e.g. 6h');
    await writeFile(params, JSON.stringify({ max_position: 0 }));
    const invalid = await runCli(['backtest', '--params', params], {});
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('max_position = 0: expected a finite number > 0');
  });
});

describe('livetune sweep', () => {
  it('runs a grid on worker threads, writes CSV and SVG, prints JSON with search and holdout', async () => {
    const csv = join(dir, 'runs.csv');
    const svg = join(dir, 'chart.svg');
    const argv = [
      'sweep',
      '--grid',
      'requote_threshold_bps=0,5',
      '--seeds',
      '1-2',
      '--holdout',
      '3',
      '--duration',
      '2m',
      '--workers',
      '2',
    ];
    const run = await runCli([...argv, '--csv', csv, '--svg', svg, '--json'], {});
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { search: { label: string }[]; holdout: unknown[] };
    expect(report.search.map((r) => r.label).sort()).toEqual(['base', 'requote_threshold_bps=0', 'requote_threshold_bps=5']);
    expect(report.holdout.length).toBeGreaterThan(0);
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(csv, 'utf8')).split('\n')[0]).toMatch(/^phase,candidate,label,seed,sharpe,pnl/);
    expect(await readFile(svg, 'utf8')).toMatch(/^<svg/);
  });

  it('refuses holdout seeds that were searched, and a bad --workers, naming them (exit 2)', async () => {
    const overlap = await runCli(['sweep', '--grid', 'requote_threshold_bps=0', '--seeds', '1-4', '--holdout', '4-5'], {});
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/--holdout shares seeds with --seeds \(4\)/);
    const workers = await runCli(['sweep', '--grid', 'requote_threshold_bps=0', '--workers', '0'], {});
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/--workers "0": expected a whole number from 1 to 256/);
  });
});

describe('livetune backtest --data', () => {
  it('replays a recorded file, the same report twice, and names a bad file', async () => {
    const data = new URL('../fixtures/recording-small.jsonl', import.meta.url).pathname;
    const argv = ['backtest', '--params', params, '--data', data, '--json'];
    const [a, b] = [await runCli(argv, {}), await runCli(argv, {})];
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect((JSON.parse(a.stdout) as { fills: { count: number } }).fills.count).toBeGreaterThan(0);
    await writeFile(join(dir, 'bad.jsonl'), '{"format":"other"}\n');
    const bad = await runCli(['backtest', '--params', params, '--data', join(dir, 'bad.jsonl')], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--data ".*bad.jsonl": recording line 1: format "other"/);
  });
});
