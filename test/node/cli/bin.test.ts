/**
 * The package bin as a real process, started with the machine's Node (20 here, so the bin must re-exec
 * itself with the Node 24 from node_modules): arguments, output, exit codes and Ctrl-C get through.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';

const BIN = fileURLToPath(new URL('../../../bin/livetune.mjs', import.meta.url));
const MACHINE_NODE = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;

let edge: FakeEdge;
const children: ChildProcess[] = [];

beforeEach(async () => {
  edge = await startFakeEdge();
  edge.write('hype-perp', {}, 'alice', 'seed');
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  await edge.close();
});

function start(args: string[]) {
  const { LIVETUNE_REEXEC: _, ...parentEnv } = process.env;
  const child = spawn(MACHINE_NODE, [BIN, ...args], {
    env: { ...parentEnv, LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited, stderr: () => stderr };
}

describe('bin/livetune.mjs', () => {
  it('runs under the machine node: JSON on stdout, exit 0', async () => {
    const { exited } = start(['get', '--json']);
    const run = await exited;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { version: number }).version).toBe(1);
  });

  it('passes the exit code through (2 for a bad key=value, before any request)', async () => {
    const run = await start(['set', 'skew_adjustment_factor=3', '-m', 'x']).exited;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('skew_adjustment_factor = 3: expected a finite number in [0, 2]');
    expect(edge.requests).toHaveLength(0);
  });

  it('forwards Ctrl-C: a watch stops cleanly', async () => {
    const { child, exited, stderr } = start(['watch', '--poll']);
    while (!stderr().includes('watching hype-perp')) await new Promise((r) => setTimeout(r, 20));
    process.kill(child.pid!, 'SIGINT');
    const run = await exited;
    expect(run.code).toBe(0);
  });
});
