import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READ_TOKEN, startFakeEdge, type FakeEdge } from './fake-edge.ts';
import { runCli } from './run-cli.ts';
import { eventually } from '../../../tools/eventually.ts';

let edge: FakeEdge;
let dir: string;
beforeEach(async () => {
  edge = await startFakeEdge();
  edge.write('hype-perp', {}, 'alice', 'seed');
  dir = await mkdtemp(join(tmpdir(), 'livetune-run-'));
});
afterEach(async () => {
  await edge.close();
  await rm(dir, { recursive: true, force: true });
});

describe('livetune run', () => {
  it("hands the runner's flags to its config parser: a missing flag is a usage error (exit 2)", async () => {
    const run = await runCli(['--set', 'hype-perp', 'run', '--region', 'fra'], {
      LIVETUNE_URL: edge.url,
      LIVETUNE_TOKEN: READ_TOKEN,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--runner-id');
  });

  it('starts a runner that follows the set and reports, and stops it when told (exit 0)', async () => {
    const stop = new AbortController();
    const env = { LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: READ_TOKEN, LIVETUNE_SET: 'hype-perp' };
    const argv = [
      'run',
      '--runner-id',
      'cli-1',
      '--region',
      'test',
      '--cache-dir',
      dir,
      '--log-level',
      'silent',
      '--heartbeat',
      '0.05',
    ];
    const done = runCli(argv, env, { signal: stop.signal });
    await eventually(() => edge.fleet.get('hype-perp')?.some((r) => r.runner_id === 'cli-1' && r.applied_version === 1), {
      what: 'runner cli-1 to report v1 applied',
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    stop.abort();
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('runner cli-1 (test) started on hype-perp');
  });
});
