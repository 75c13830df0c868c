/**
 * The operator's CLI, as a real process (bin/livetune.mjs), against a real `wrangler dev` edge: one
 * full session — create, change, a rejected value, a stale write, history, diff, rollback, watch,
 * fleet, edit — asserting on exit codes, on what the edge stored, and on what the operator is told.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, stopAllEdges } from '../../tools/edge-process.ts';
import { eventually } from '../../tools/eventually.ts';
import { startCli, stopAllClis, type CliProcess } from './helpers/cli-process.ts';

const SET = 'cli-session';

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;

function start(args: string[], token = edge.tokens.write, env: Record<string, string> = {}): CliProcess {
  return startCli(args, {
    env: { ...process.env, LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: token, LIVETUNE_SET: SET, ...env },
  });
}

const livetune = (...args: string[]) => start(args).done;

async function historyLength(): Promise<number> {
  const run = await livetune('history', '--json', '-n', '100');
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { versions: unknown[] }).versions.length;
}

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-cli-')) });
});

afterEach(async () => {
  await stopAllClis();
});

afterAll(async () => {
  await edge?.stop();
  await stopAllEdges();
});

describe('an operator session with the livetune CLI', () => {
  it('creates, changes, is refused, rolls back and sees the fleet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lt-cli-doc-'));
    const doc = join(dir, 'params.json');
    writeFileSync(doc, JSON.stringify({ skew_adjustment_factor: 0.5, base_half_spread_bps: 6 }));

    // Create: the set does not exist yet, so apply creates it (If-None-Match: *).
    const created = await livetune('apply', '-f', doc, '-m', 'first version', '--json');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const v1 = JSON.parse(created.stdout) as { version: number; kind: string; author: string };
    expect(v1).toMatchObject({ version: 1, kind: 'create', author: edge.tokenNames.write });

    // Change two keys.
    const changed = await livetune('set', 'skew_adjustment_factor=0.8', 'trading_mode=reduce_only', '-m', 'inventory too long');
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain(`${SET} v2`);
    expect(changed.stdout).toContain('skew_adjustment_factor: 0.5 → 0.8');
    expect(await historyLength()).toBe(2);

    // A bad value: stopped here (exit 2) and, sent anyway, refused by the edge (422). Nothing changed.
    const local = await livetune('set', 'skew_adjustment_factor=5', '-m', 'too far');
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('skew_adjustment_factor = 5: expected a finite number in [0, 2]');
    const refused = await livetune('set', 'skew_adjustment_factor=5', '--no-local-check', '-m', 'too far');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('(422)');
    expect(refused.stderr).toContain('skew_adjustment_factor = 5: expected a finite number in [0, 2]');
    expect(await historyLength()).toBe(2);

    // A stale write: based on v1 while the set is at v2.
    const stale = await livetune('set', 'order_size=0.5', '--if-version', '1', '-m', 'based on old data');
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain(`it is now at v2, written by ${v1.author}`);
    expect(stale.stderr).toContain(`livetune diff 1 2 --set ${SET}`);
    expect(await historyLength()).toBe(2);

    // History and diff.
    const history = await livetune('history');
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^v2\s+update\s+\S+\s+\S+ \S+\s+inventory too long$/m);
    expect(history.stdout).toMatch(/^v1\s+create\s+\S+\s+\S+ \S+\s+first version$/m);
    const diff = await livetune('diff', '1', '2');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('skew_adjustment_factor: 0.5 → 0.8');
    expect(diff.stdout).toContain('trading_mode: "active" → "reduce_only"');

    // Watch sees the rollback land; the rollback makes v1's params current again as v3.
    const watch = start(['watch', '--count', '1', '--json']);
    await eventually(() => watch.process.output('stderr').includes('watching'), {
      what: 'livetune watch to say it is watching',
      timeoutMs: 60_000,
      context: () => watch.process.tail(),
    });
    const rollback = await livetune('rollback', '1', '-m', 'undo: inventory is fine');
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain(`${SET} v3 · rollback to v1`);
    const watched = await watch.done;
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout.trim())).toMatchObject({ version: 3, kind: 'rollback', rollback_of: 1 });
    const current = JSON.parse((await livetune('get', '--json')).stdout) as {
      version: number;
      lineage: string;
      params: Record<string, unknown>;
    };
    expect(current.version).toBe(3);
    expect(current.params).toMatchObject({ skew_adjustment_factor: 0.5, trading_mode: 'active', base_half_spread_bps: 6 });

    // Fleet: a runner reports, the operator sees it.
    const report = await fetch(`${edge.url}/v1/sets/${SET}/runners/fra-1/report`, {
      method: 'POST',
      headers: { authorization: `Bearer ${edge.tokens.read}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        region: 'fra',
        lineage: current.lineage,
        applied_version: 3,
        sync_state: 'ready',
        params_age_s: 2,
        trading: { inventory: 0.5, pnl: 1.25 },
      }),
    });
    expect(report.status).toBeLessThan(300);
    const fleet = await livetune('fleet');
    expect(fleet.code).toBe(0);
    expect(fleet.stdout).toMatch(/fra-1\s+fra\s+v3\s+ready\s+2s\s+\S+ ago\s+0\.5\s+1\.25/);

    // edit: a real $EDITOR (here sed) changes the document; it is validated, then written on v3.
    const editor = `sed -i -e 's/"requote_threshold_bps": 2,/"requote_threshold_bps": 12,/'`;
    const edited = await start(['edit', '-m', 'requote less often'], edge.tokens.write, { EDITOR: editor, VISUAL: '' }).done;
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain(`${SET} v4`);
    expect(edited.stdout).toContain('requote_threshold_bps: 2 → 12');

    // A read token cannot write, and is never echoed.
    const readOnly = await start(['set', 'order_size=0.5', '-m', 'x'], edge.tokens.read).done;
    expect(readOnly.code).toBe(3);
    expect(readOnly.stderr).toContain('lacks write scope (403)');
    for (const run of [created, changed, local, refused, stale, history, diff, rollback, watched, fleet, edited, readOnly]) {
      expect(run.stdout + run.stderr).not.toContain(edge.tokens.write);
      expect(run.stdout + run.stderr).not.toContain(edge.tokens.read);
    }
  });
});
