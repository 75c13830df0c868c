/**
 * Starts a `wrangler dev` for the bench's own workers (the baseline). The real edge is started
 * through the e2e helper `startEdge`; this is only for configs the bench owns. The process gets its
 * own group and is tracked by pid, so the whole tree (wrangler + workerd) dies with the run.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from '../tools/free-port.ts';
import { sleep } from './measure.ts';
import { trackPid, untrackPid } from './processes.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface WranglerDev {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  config: string;
  name: string;
  port?: number;
  persistDir?: string;
  envFile?: string;
  timeoutMs?: number;
}

export async function startWranglerDev({
  config,
  name,
  port: wantedPort,
  persistDir,
  envFile,
  timeoutMs = 60_000,
}: WranglerDevOptions): Promise<WranglerDev> {
  const port = wantedPort ?? (await freePort());
  const inspectorPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
      'dev',
      '-c',
      config,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
      ...(persistDir ? ['--persist-to', persistDir] : []),
      ...(envFile ? ['--env-file', envFile] : []),
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    },
  );
  if (child.pid === undefined) throw new Error(`could not spawn wrangler dev for ${name}`);
  const pid = child.pid;
  trackPid(pid, `wrangler dev (${name})`, true);
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim()),
    );
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((r) =>
    child.once('exit', () => {
      exited = true;
      r();
    }),
  );

  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 5_000);
    await exit;
    clearTimeout(timer);
    untrackPid(pid);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`wrangler dev (${name}) exited before answering:\n${tail.join('\n')}`);
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(2_000) });
      return { url, pid, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`wrangler dev (${name}) did not answer within ${timeoutMs / 1000} s:\n${tail.join('\n')}`);
      }
      await sleep(200);
    }
  }
}
