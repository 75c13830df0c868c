/**
 * Issue 14 end to end: a real `wrangler dev` and four real runners in two regions on the sim venue's
 * toxic scenario (long-poll and WebSocket in each region).
 * - a rollout to eu-west-1 of a change that lets inventory run to its limit (no skew, no
 *   liquidation) breaches its `abs_inventory_ratio` guardrail and is rolled back by the hub's alarm
 *   alone; the us-east-1 runners never applied the candidate (their own logs say so);
 * - a harmless change is then promoted through both stages on bake time alone, and every runner
 *   ends on it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RolloutAnswerSchema, type Rollout, type RolloutRequestInput } from '../../shared/rollout.ts';
import { startEdge } from '../../tools/edge-process.ts';
import { eventually } from '../../tools/eventually.ts';
import { startRunner, stopAllRunners, type RunnerProcess } from '../../tools/runner-process.ts';
import { startCli, stopAllClis } from './helpers/cli-process.ts';
import { call, createSet, fleet, head } from './helpers/edge-http.ts';

const SET = 'rollouts';
const RUNNERS = [
  { runnerId: 'fra-1', region: 'eu-west-1', sync: 'longpoll' },
  { runnerId: 'fra-2', region: 'eu-west-1', sync: 'ws' },
  { runnerId: 'nyc-1', region: 'us-east-1', sync: 'longpoll' },
  { runnerId: 'nyc-2', region: 'us-east-1', sync: 'ws' },
] as const;

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;
let runners: RunnerProcess[] = [];

/** The versions a runner applied, in order, from its own "applied params version" log lines. */
function appliedVersions(runner: RunnerProcess): number[] {
  return runner
    .logRecords()
    .filter((r) => r.msg === 'applied params version')
    .map((r) => r.version as number);
}

async function startRollout(body: RolloutRequestInput): Promise<Rollout> {
  const answer = await call(edge.url, `/v1/sets/${SET}/rollouts`, { method: 'POST', token: edge.tokens.write, body });
  if (answer.status !== 201) throw new Error(`rollout answered ${answer.status}: ${answer.text}`);
  return RolloutAnswerSchema.parse(answer.json()).rollout;
}

async function rolloutOf(id: string): Promise<Rollout> {
  const answer = await call(edge.url, `/v1/sets/${SET}/rollouts/${id}`, { token: edge.tokens.read });
  return RolloutAnswerSchema.parse(answer.json()).rollout;
}

function rolloutIn(id: string, state: Rollout['state']): Promise<Rollout> {
  let last: Rollout | undefined;
  return eventually(
    async () => {
      last = await rolloutOf(id);
      return last.state === state ? last : undefined;
    },
    { what: `rollout ${id} to be ${state}`, timeoutMs: 120_000, context: () => JSON.stringify(last) },
  );
}

function allOn(version: number, what: string): Promise<unknown> {
  return Promise.all(
    runners.map((r) =>
      r.waitForStatus((s) => s.version === version, { what: `${r.runnerId}: ${what}: v${version}`, timeoutMs: 90_000 }),
    ),
  );
}

beforeAll(async () => {
  // Evaluations every half second: the test waits for decisions, not for the 5 s default.
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-rollouts-')), vars: { ROLLOUT_EVAL_MS: '500' } });
  await createSet(edge.url, edge.tokens.write, SET, {}, 'rollouts: create with the defaults');
});

afterEach(async () => {
  await stopAllRunners();
  await stopAllClis();
});

/** The `livetune` CLI's environment against this edge. */
function cliEnv(token: string): NodeJS.ProcessEnv {
  return { ...process.env, LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: token, LIVETUNE_SET: SET };
}

/** The rollout events `livetune watch --json` printed so far. */
function watchedEvents(output: string): { rollout: string; event: { kind: string } }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { rollout?: string; event?: { kind: string } })
    .flatMap((line) =>
      line.rollout !== undefined && line.event !== undefined ? [{ rollout: line.rollout, event: line.event }] : [],
    );
}

afterAll(async () => {
  await edge?.stop();
});

describe('guarded rollouts with real runners in two regions', () => {
  it('rolls back a change that breaks a guardrail in its first region, then promotes a harmless one everywhere', async () => {
    runners = await Promise.all(
      RUNNERS.map(({ runnerId, region, sync }) =>
        startRunner({
          edgeUrl: edge.url,
          token: edge.tokens.read,
          set: SET,
          runnerId,
          region,
          sync,
          cacheDir: mkdtempSync(join(tmpdir(), `lt-cache-${runnerId}-`)),
          extraArgs: [
            '--scenario',
            'toxic',
            '--seed',
            String(runnerId.length * 7 + runnerId.charCodeAt(4)),
            '--heartbeat',
            '0.5',
            '--wait',
            '5',
          ],
        }),
      ),
    );
    await allOn(1, 'start-up');

    // 1. No skew, no liquidation, tight quotes: under toxic flow inventory runs to max_position.
    const bad = await startRollout({
      params: {
        skew_adjustment_factor: 0,
        adverse_selection_adjustment_factor: 0,
        inventory_urgency_threshold: 1,
        liquidation_rate_multiplier: 0,
        base_half_spread_bps: 1,
        min_spread_base_ratio: 0,
        order_size: 1,
      },
      message: 'rollouts e2e: tight and unskewed, eu first',
      stages: [
        { runners: { regions: ['eu-west-1'] }, bake_s: 600 },
        { runners: { percent: 100 }, bake_s: 600 },
      ],
      guardrails: [{ metric: 'abs_inventory_ratio', max: 0.9 }],
    });
    expect(bad).toMatchObject({ version: 2, base: 1, state: 'running' });
    const rolledBack = await rolloutIn(bad.id, 'rolled_back');
    const breach = rolledBack.events.find((e) => e.kind === 'breach');
    const [reading] = breach!.detail.breaches as { metric: string; value: number; max: number; runner: string }[];
    expect(reading).toMatchObject({ metric: 'abs_inventory_ratio', max: 0.9 });
    expect(reading!.value).toBeGreaterThan(0.9);
    expect(['fra-1', 'fra-2']).toContain(reading!.runner);
    expect(rolledBack.outcome_version).toBe(3);
    const v3 = (await head(edge.url, edge.tokens.read, SET))!.version;
    expect(v3).toMatchObject({ version: 3, kind: 'rollback', rollback_of: 1, parent: 2 });
    await allOn(3, 'after the automatic rollback');
    const table = await fleet(edge.url, edge.tokens.read, SET);
    for (const entry of table.runners) expect(entry.assigned_version).toBe(3);

    // The candidate reached eu-west-1 only: the canary that breached applied it, no us runner ever did.
    const breacher = runners.find((r) => r.runnerId === reading!.runner)!;
    expect(appliedVersions(breacher)).toEqual([1, 2, 3]);
    for (const r of runners.filter((r) => r.runnerId.startsWith('nyc'))) expect(appliedVersions(r)).toEqual([1, 3]);

    // An operator watching the set sees every decision of the next rollout as it is made.
    const watcher = startCli(['watch', '--json'], { env: cliEnv(edge.tokens.read) });
    await eventually(() => watcher.process.output('stderr').includes('watching rollouts from v3'), {
      what: 'livetune watch to start',
      timeoutMs: 30_000,
      context: () => watcher.process.output('stderr'),
    });

    // 2. A harmless change, started with the CLI: one region, then everyone, each stage promoted on
    // its bake time alone.
    const started = await startCli(
      [
        'rollout',
        'start',
        'base_half_spread_bps=6',
        '-m',
        'rollouts e2e: a little wider, eu first',
        '--stage',
        'region=eu-west-1:3s',
        '--stage',
        '100%:3s',
        '--guard',
        'nacks<=0',
        '--guard',
        'errors<=0',
        '--json',
      ],
      { env: cliEnv(edge.tokens.write) },
    ).done;
    expect(started.code, started.stderr).toBe(0);
    const good = RolloutAnswerSchema.parse(JSON.parse(started.stdout)).rollout;
    expect(good).toMatchObject({
      version: 4,
      guardrails: [
        { metric: 'nacks', max: 0 },
        { metric: 'error_runners', max: 0 },
      ],
    });
    const promoted = await rolloutIn(good.id, 'promoted');
    expect(promoted.events.map((e) => e.kind)).toEqual(['started', 'stage', 'promoted']);
    expect((await head(edge.url, edge.tokens.read, SET))!.version.version).toBe(4);
    await allOn(4, 'after the promotion');
    for (const r of runners) {
      expect((await r.status()).params?.base_half_spread_bps).toBe(6);
      expect(appliedVersions(r).at(-1)).toBe(4);
    }
    const seen = await eventually(
      () => {
        const events = watchedEvents(watcher.process.output('stdout'));
        return events.some((e) => e.rollout === good.id && e.event.kind === 'promoted') ? events : undefined;
      },
      { what: 'livetune watch to print the promotion', timeoutMs: 30_000, context: () => watcher.process.output('stderr') },
    );
    expect(seen.map((e) => `${e.rollout} ${e.event.kind}`)).toEqual([
      `${good.id} started`,
      `${good.id} stage`,
      `${good.id} promoted`,
    ]);
  });
});
