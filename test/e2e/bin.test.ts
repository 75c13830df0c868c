/**
 * The package bin as a real process, started with the machine's Node (20 here, so the bin must re-exec
 * itself with the Node 24 from node_modules): arguments, output, exit codes and Ctrl-C get through.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../tools/eventually.ts';
import { type FakeEdge, startFakeEdge, WRITE_TOKEN } from '../node/helpers/fake-edge.ts';
import { startCli, stopAllClis } from './helpers/cli-process.ts';

const MACHINE_NODE = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;

let edge: FakeEdge;

beforeEach(async () => {
  edge = await startFakeEdge();
  edge.write('hype-perp', {}, 'alice', 'seed');
});
afterEach(async () => {
  await stopAllClis();
  await edge.close();
});

function start(args: string[]) {
  const { LIVETUNE_REEXEC: _, ...parentEnv } = process.env;
  return startCli(args, {
    node: MACHINE_NODE,
    env: { ...parentEnv, LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' },
  });
}

describe('bin/livetune.mjs', () => {
  it('runs under the machine node: JSON on stdout, exit 0', async () => {
    const run = await start(['get', '--json']).done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { version: number }).version).toBe(1);
  });

  it('passes the exit code through (2 for a bad key=value, before any request)', async () => {
    const run = await start(['set', 'skew_adjustment_factor=3', '-m', 'x']).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('skew_adjustment_factor = 3: expected a finite number in [0, 2]');
    expect(edge.requests).toHaveLength(0);
  });

  it('forwards Ctrl-C: a watch stops cleanly', async () => {
    const watch = start(['watch', '--poll']);
    await eventually(() => watch.process.output('stderr').includes('watching hype-perp'), {
      what: 'livetune watch to say it is watching hype-perp',
      timeoutMs: 60_000,
      context: () => watch.process.tail(),
    });
    // To the bin's own pid, as a terminal's Ctrl-C would reach it: the bin forwards it to its re-exec.
    process.kill(watch.process.pid, 'SIGINT');
    const run = await watch.done;
    expect(run.code).toBe(0);
  });
});
