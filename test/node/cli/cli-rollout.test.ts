import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseGuard, parseStage } from '../../../cli/parse-rollout-flags.ts';
import { startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';
import { runCli } from './run-cli.ts';

describe('rollout --stage', () => {
  it('reads regions, runner ids and a share of the fleet, each with its bake time in seconds', () => {
    expect(parseStage('region=eu-west-1:10m')).toEqual({ runners: { regions: ['eu-west-1'] }, bake_s: 600 });
    expect(parseStage('region=eu-west-1,us-east-1:1h')).toEqual({
      runners: { regions: ['eu-west-1', 'us-east-1'] },
      bake_s: 3600,
    });
    expect(parseStage('ids=fra-1,fra-2:30s')).toEqual({ runners: { ids: ['fra-1', 'fra-2'] }, bake_s: 30 });
    expect(parseStage('50%:30m')).toEqual({ runners: { percent: 50 }, bake_s: 1800 });
    expect(parseStage('100%:0')).toEqual({ runners: { percent: 100 }, bake_s: 0 });
  });

  it('names the flag, the text and the accepted forms when it cannot', () => {
    expect(() => parseStage('region=eu-west-1')).toThrow(/--stage "region=eu-west-1" has no bake time: expected region=R/);
    expect(() => parseStage('eu-west-1:10m')).toThrow(/unknown runners "eu-west-1"/);
    expect(() => parseStage('150%:10m')).toThrow(/--stage "150%:10m" is not accepted: a share of the fleet in \(0, 100\]/);
    expect(() => parseStage('50%:ten')).toThrow(/not a duration/);
  });
});

describe('rollout --guard', () => {
  it('reads each metric, control comparisons and a minimum of fills', () => {
    expect(parseGuard('drawdown<=20')).toEqual({ metric: 'drawdown', max: 20 });
    expect(parseGuard('inventory<=0.8')).toEqual({ metric: 'abs_inventory_ratio', max: 0.8 });
    expect(parseGuard('markout_5s>=-1')).toEqual({ metric: 'markout_5s_bps', min: -1 });
    expect(parseGuard('markout_5s>=control-0.5')).toEqual({ metric: 'markout_5s_bps', min: -0.5, vs_control: true });
    expect(parseGuard('markout_5s >= control-0.5 @50')).toEqual({
      metric: 'markout_5s_bps',
      min: -0.5,
      vs_control: true,
      min_fills: 50,
    });
    expect(parseGuard('nacks<=0')).toEqual({ metric: 'nacks', max: 0 });
    expect(parseGuard('errors<=0')).toEqual({ metric: 'error_runners', max: 0 });
  });

  it('refuses an unknown metric, a bad form, and control on anything but markouts', () => {
    expect(() => parseGuard('pnl<=3')).toThrow(/unknown metric "pnl": expected one of drawdown/);
    expect(() => parseGuard('drawdown<20')).toThrow(/is not a guardrail: expected METRIC<=N/);
    expect(() => parseGuard('drawdown<=control-1')).toThrow(/"vs_control" compares markouts only/);
  });
});

describe('livetune rollout start', () => {
  let edge: FakeEdge;
  beforeEach(async () => {
    edge = await startFakeEdge();
  });
  afterEach(() => edge.close());
  const env = () => ({ LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' });

  it('posts the change, stages, guardrails and on_breach as one rollout', async () => {
    await runCli(
      [
        'rollout',
        'start',
        'base_half_spread_bps=8',
        '-m',
        'wider, eu first',
        '--stage',
        'region=eu-west-1:10m',
        '--stage',
        '50%:30m',
        '--guard',
        'drawdown<=20',
        '--guard',
        'markout_5s>=control-0.5',
        '--on-breach',
        'pause',
      ],
      env(),
    );
    const post = edge.requests.find((r) => r.method === 'POST');
    expect(post?.path).toBe('/v1/sets/hype-perp/rollouts');
    expect(post?.body).toEqual({
      params: { base_half_spread_bps: 8 },
      message: 'wider, eu first',
      stages: [
        { runners: { regions: ['eu-west-1'] }, bake_s: 600 },
        { runners: { percent: 50 }, bake_s: 1800 },
      ],
      guardrails: [
        { metric: 'drawdown', max: 20 },
        { metric: 'markout_5s_bps', min: -0.5, vs_control: true },
      ],
      on_breach: 'pause',
    });
  });

  it('sends nothing without a stage, with a bad guard or a bad value (exit 2)', async () => {
    const noStage = await runCli(['rollout', 'start', 'base_half_spread_bps=8', '-m', 'x'], env());
    expect(noStage.code).toBe(2);
    expect(noStage.stderr).toContain('a rollout needs at least one --stage');
    const badGuard = await runCli(
      ['rollout', 'start', 'base_half_spread_bps=8', '-m', 'x', '--stage', '10%:1m', '--guard', 'pnl<=1'],
      env(),
    );
    expect(badGuard.code).toBe(2);
    expect(badGuard.stderr).toContain('unknown metric "pnl"');
    const badValue = await runCli(['rollout', 'start', 'base_half_spread_bps=-8', '-m', 'x', '--stage', '10%:1m'], env());
    expect(badValue.code).toBe(2);
    expect(edge.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});
