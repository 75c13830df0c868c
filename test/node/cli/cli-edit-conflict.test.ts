/**
 * `livetune edit` when a colleague wrote while the editor was open (issue 11): the operator's
 * *changes* are re-applied on the new head as a merge patch — never the whole opened document,
 * which would revert the colleague's keys — after showing what the colleague changed and flagging
 * the keys both changed. Without anyone to ask, the exact `livetune set … --if-version N` is printed.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';
import { runCli } from './run-cli.ts';

/** Seven keys a colleague changes while the operator edits. */
const COLLEAGUE = {
  skew_adjustment_factor: 0.9,
  adverse_selection_adjustment_factor: 0.7,
  adverse_selection_lambda: 0.2,
  inventory_urgency_threshold: 0.8,
  liquidation_rate_multiplier: 12,
  min_spread_base_ratio: 0.3,
  base_half_spread_bps: 7,
};

let edge: FakeEdge;
let env: Record<string, string>;

beforeEach(async () => {
  edge = await startFakeEdge();
  env = { LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' };
  edge.write('hype-perp', {}, 'bob', 'seed');
});
afterEach(async () => {
  await edge.close();
});

/** The operator changes order_size and base_half_spread_bps while carol writes her seven keys. */
async function editDuringColleague(path: string): Promise<void> {
  const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edge.write('hype-perp', COLLEAGUE, 'carol', 'retune after the CPI print');
  await writeFile(path, JSON.stringify({ ...doc, order_size: 0.4, base_half_spread_bps: 6 }));
}

function head(): Record<string, unknown> {
  return edge.versions.get('hype-perp')!.at(-1)!.params;
}

describe('livetune edit after a conflict', () => {
  it('re-applies only the operator’s changes on the new head (If-Match of the head), keeping the colleague’s keys', async () => {
    const questions: string[] = [];
    const run = await runCli(['edit', '-m', 'bigger quotes'], env, {
      editFile: editDuringColleague,
      confirm: async (q) => {
        questions.push(q);
        return true;
      },
    });
    expect(run.code, run.stderr).toBe(0);
    const patch = edge.requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers['if-match']).toBe('"hype-perp.fake-edge-lineage.v2"');
    expect(patch?.body).toEqual({ params: { order_size: 0.4, base_half_spread_bps: 6 }, message: 'bigger quotes' });
    expect(questions).toEqual(['Re-apply your 2 changes on v2?']);
    // Carol's seven keys survive, except the one both changed, where the operator's value was asked for.
    expect(head()).toMatchObject({ ...COLLEAGUE, base_half_spread_bps: 6, order_size: 0.4 });
    expect(run.stderr).toContain('last written by carol');
    expect(run.stderr).toContain('skew_adjustment_factor: 0.5 → 0.9');
    expect(run.stderr).toContain('! base_half_spread_bps: theirs 7, yours 6');
    expect(run.stdout).toContain('hype-perp v3');
  });

  it('without anyone to ask: nothing changed, exit 3, the exact set command is printed and works', async () => {
    const run = await runCli(['edit', '-m', "alice's bigger quotes"], env, { editFile: editDuringColleague });
    expect(run.code).toBe(3);
    expect(edge.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(head()).toMatchObject(COLLEAGUE);
    expect(run.stderr).toContain('Changed meanwhile (v1 → v2):');
    expect(run.stderr).not.toContain('apply -f');
    const command =
      "livetune set base_half_spread_bps=6 order_size=0.4 --if-version 2 -m 'alice'\\''s bigger quotes' --set hype-perp";
    expect(run.stderr).toContain(command);
    const kept = /kept at (\S+\.json)/.exec(run.stderr)?.[1];
    expect(kept).toBeDefined();
    await rm(join(kept!, '..'), { recursive: true, force: true });

    // Run what it printed (the shell would have turned the quoting into these words).
    const again = await runCli(
      ['set', 'order_size=0.4', 'base_half_spread_bps=6', '--if-version', '2', '-m', "alice's bigger quotes"],
      env,
    );
    expect(again.code, again.stderr).toBe(0);
    expect(head()).toMatchObject({ ...COLLEAGUE, base_half_spread_bps: 6, order_size: 0.4 });
  });

  it('sends nothing when the new head already has every change the operator made', async () => {
    const run = await runCli(['edit', '-m', 'same idea'], env, {
      editFile: async (path) => {
        edge.write('hype-perp', { order_size: 0.4 }, 'carol', 'same idea');
        const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
        await writeFile(path, JSON.stringify({ ...doc, order_size: 0.4 }));
      },
      confirm: async () => true,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('already has all your changes');
    expect(edge.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });
});
