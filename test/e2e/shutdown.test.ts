/**
 * Issue 11 row 11: `bin/livetune-runner … 2>&1 | tee runner.log`, Ctrl-C, and the runner hung with
 * its main thread parked in a write to a pipe nobody read, deaf to a second SIGINT and to SIGTERM.
 * A runner must stop within a bound whatever its stdout is. Each test starts a real runner process
 * (`node runner/main.ts`) against a fake edge, with stdout and stderr connected to something that
 * does not take its lines — a full pipe nobody reads, a pipe whose reader is gone (EPIPE), a full
 * device (ENOSPC) — and checks that SIGINT ends it cleanly (exit 0, after a final report that says
 * goodbye to the edge). The runner's logs cannot be read, so its status port is chosen up front and
 * its life is watched through `/status` and the edge. Every process is killed in `afterEach`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../shared/params-schema.ts';
import { eventually } from '../../tools/eventually.ts';
import { freePort } from '../../tools/free-port.ts';
import { ROOT } from '../../tools/runner-bundle.ts';
import { FakeEdge } from '../node/helpers/fake-edge.ts';

const SET = 'hype-perp';

interface Started {
  child: ChildProcess;
  statusUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('runner shutdown whatever stdout is', () => {
  let dir: string;
  let edge: FakeEdge;
  const children: ChildProcess[] = [];
  const fds: number[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livetune-shutdown-'));
    edge = await FakeEdge.start({ set: SET });
    edge.publish({ ...DEFAULT_PARAMS, order_size: 1 });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const fd of fds.splice(0)) closeSync(fd);
    await edge.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A runner whose stdout and stderr are `output` (an fd, or 'pipe'), polling the fake edge. */
  async function startRunner(output: number | 'pipe', onSpawn?: (child: ChildProcess) => void): Promise<Started> {
    const port = await freePort();
    const args = [
      'runner/main.ts',
      ...['--url', edge.url, '--set', SET, '--runner-id', 'r-stdout', '--region', 'eu-west-1'],
      ...['--sync', 'longpoll', '--status-port', String(port), '--cache-dir', join(dir, 'cache')],
      // Debug lines on every request: the more it logs, the sooner a stuck stdout bites.
      ...['--log-level', 'debug'],
    ];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, LIVETUNE_TOKEN: edge.token, NO_COLOR: '1' },
      detached: true,
      stdio: ['ignore', output, output],
    });
    children.push(child);
    onSpawn?.(child);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const statusUrl = `http://127.0.0.1:${port}`;
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`runner exited with ${child.exitCode}`);
        const res = await fetch(`${statusUrl}/status`, { signal: AbortSignal.timeout(5_000) });
        const status = (await res.json()) as { version: number | null };
        return status.version === 1;
      },
      { what: 'the runner to serve /status on v1', timeoutMs: 60_000 },
    );
    return { child, statusUrl, exited };
  }

  /** SIGINT, then the exit (the test's own timeout is the bound: generous, behaviour not speed). */
  async function interrupt({ child, exited }: Started) {
    const reportsBefore = edge.reports.length;
    process.kill(child.pid!, 'SIGINT');
    const exit = await exited;
    return { exit, finalReports: edge.reports.slice(reportsBefore) };
  }

  it('stops on SIGINT when stdout is a pipe nobody reads, already full', async () => {
    // A FIFO we hold open for reading but never read, filled to the brim before the runner starts:
    // its first log line finds no room, as under `| tee` once tee stops reading.
    const fifo = join(dir, 'stdout.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    fds.push(reader);
    const filler = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    fds.push(filler);
    const block = Buffer.alloc(4096, 'x');
    for (;;) {
      try {
        writeSync(filler, block);
      } catch {
        break; // EAGAIN: the pipe is full.
      }
    }
    // The runner gets its own, blocking, write end, as a shell pipe gives it.
    const writer = openSync(fifo, constants.O_WRONLY);
    fds.push(writer);
    const started = await startRunner(writer);
    const { exit, finalReports } = await interrupt(started);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(finalReports.length).toBeGreaterThan(0);
  });

  it('exits at once on a second signal while the first shutdown waits on a hung edge', async () => {
    const started = await startRunner('pipe');
    let output = '';
    started.child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // The edge takes the goodbye report and never answers it: the first shutdown waits on it.
    edge.holdReports();
    process.kill(started.child.pid!, 'SIGINT');
    await edge.waitForReport((r) => r.body.goodbye === true, 'the goodbye report, held by the edge');
    process.kill(started.child.pid!, 'SIGTERM');
    const exit = await started.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    // It was the second signal that ended it, not the shutdown deadline.
    expect(output).toContain('second signal: exiting without waiting');
    expect(output).not.toContain('shutdown did not complete in time');
  });

  it('stops on SIGINT when the reader of its stdout has gone (EPIPE)', async () => {
    const started = await startRunner('pipe', (child) => {
      // Closing our end at once: every write the runner makes fails with EPIPE.
      child.stdout?.destroy();
      child.stderr?.destroy();
    });
    const { exit, finalReports } = await interrupt(started);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(finalReports.length).toBeGreaterThan(0);
  });

  it('stops on SIGINT when stdout is a full device (ENOSPC on every write)', async () => {
    const full = openSync('/dev/full', 'w');
    fds.push(full);
    const started = await startRunner(full);
    const { exit, finalReports } = await interrupt(started);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(finalReports.length).toBeGreaterThan(0);
  });
});
