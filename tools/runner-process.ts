/**
 * A real runner process (`node runner/main.ts`) for end-to-end tests: spawned with the Node that
 * runs vitest (Node 24, which runs `.ts` natively), its stdout and stderr captured line by line, its
 * status endpoint found from its start-up log. Every runner started here is remembered until it
 * exits, so `stopAllRunners()` in `afterEach` kills each one by pid even when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { RunnerStatus } from '../runner/status/runner-status.ts';
import { runnerLaunch } from './runner-bundle.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** What a runner's `GET /status` says: the runner's own type, so the tests follow it. */
export type { RunnerStatus };

export interface RunnerOptions {
  edgeUrl: string;
  token: string;
  set: string;
  runnerId: string;
  region: string;
  sync?: 'longpoll' | 'ws' | 'poll';
  cacheDir: string;
  extraArgs?: string[];
  /** Run this bundle as production does (tools/runner-bundle.ts) instead of runner/main.ts. */
  bundle?: string;
  /** Resolve once the status endpoint answers (default); false for runners expected to exit early. */
  waitForStatus?: boolean;
}

export interface RunnerProcess {
  readonly pid: number;
  readonly runnerId: string;
  /** `http://127.0.0.1:<port>` of its status server (empty until known). */
  readonly statusUrl: string;
  /** Every line it printed, stdout and stderr interleaved in arrival order. */
  readonly logs: string[];
  /** The JSON lines of `logs`, parsed (pino's output). */
  logRecords(): Record<string, unknown>[];
  status(): Promise<RunnerStatus>;
  /** Polls `predicate` on its status until true; a timeout is a failure of behaviour. */
  waitForStatus(predicate: (s: RunnerStatus) => boolean, options?: { timeoutMs?: number; what?: string }): Promise<RunnerStatus>;
  /** Polls `predicate` on anything (logs, status) until it holds. */
  waitFor(predicate: () => boolean | Promise<boolean>, options?: { timeoutMs?: number; what?: string }): Promise<void>;
  /** Resolves with the exit code (or signal name) once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): Promise<void>;
}

const live = new Set<RunnerProcess>();

/** Kills every runner still alive (for `afterEach`). */
export async function stopAllRunners(): Promise<void> {
  const runners = [...live];
  await Promise.all(runners.map((r) => r.kill()));
}

/** Polls until `predicate` holds. Throws after `timeoutMs` naming `what`, plus `context()` if given. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  {
    timeoutMs = 30_000,
    intervalMs = 100,
    what = 'condition',
    context,
  }: { timeoutMs?: number; intervalMs?: number; what?: string; context?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}${context ? `\n${context()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The status port a runner announces in its start-up log line (JSON, pino). */
function statusPortFrom(line: string): number | undefined {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  for (const key of ['status_port', 'statusPort']) {
    const value = record[key];
    if (typeof value === 'number' && value > 0) return value;
  }
  for (const key of ['status_url', 'statusUrl']) {
    const value = record[key];
    if (typeof value === 'string') {
      const match = /^http:\/\/[^:/]+:(\d+)/.exec(value);
      if (match) return Number(match[1]);
    }
  }
  return undefined;
}

export async function startRunner(options: RunnerOptions): Promise<RunnerProcess> {
  const {
    edgeUrl,
    token,
    set,
    runnerId,
    region,
    sync = 'longpoll',
    cacheDir,
    extraArgs = [],
    waitForStatus = true,
    bundle,
  } = options;
  const runnerArgs = [
    '--url',
    edgeUrl,
    '--set',
    set,
    '--runner-id',
    runnerId,
    '--region',
    region,
    '--sync',
    sync,
    '--status-port',
    '0',
    '--cache-dir',
    cacheDir,
    ...extraArgs,
  ];
  const env = { ...process.env, LIVETUNE_TOKEN: token, NO_COLOR: '1' };
  const launch =
    bundle === undefined
      ? { command: process.execPath, args: ['runner/main.ts', ...runnerArgs], env }
      : runnerLaunch(bundle, runnerArgs, env);
  const child: ChildProcess = spawn(launch.command, launch.args, {
    cwd: REPO_ROOT,
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn runner ${runnerId}`);
  const pid = child.pid;
  const logs: string[] = [];
  let statusUrl = '';
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  const onLine = (line: string) => {
    logs.push(line);
    if (!statusUrl) {
      const port = statusPortFrom(line);
      if (port !== undefined) statusUrl = `http://127.0.0.1:${port}`;
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(runner);
      resolve(exitInfo);
    });
  });

  const tail = () => `runner ${runnerId} (pid ${pid}) last lines:\n${logs.slice(-25).join('\n')}`;

  async function status(): Promise<RunnerStatus> {
    if (!statusUrl) throw new Error(`runner ${runnerId} has not announced its status port yet`);
    const res = await fetch(`${statusUrl}/status`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`GET /status of ${runnerId} answered ${res.status}`);
    return (await res.json()) as RunnerStatus;
  }

  const runner: RunnerProcess = {
    pid,
    runnerId,
    get statusUrl() {
      return statusUrl;
    },
    logs,
    logRecords() {
      const records: Record<string, unknown>[] = [];
      for (const line of logs) {
        try {
          const parsed: unknown = JSON.parse(line);
          if (parsed && typeof parsed === 'object') records.push(parsed as Record<string, unknown>);
        } catch {
          // Not a JSON line (a Node warning, a stack trace).
        }
      }
      return records;
    },
    status,
    async waitForStatus(predicate, { timeoutMs = 30_000, what = 'a status' } = {}) {
      let last: RunnerStatus | undefined;
      await eventually(
        async () => {
          if (exitInfo) throw new Error(`runner ${runnerId} exited (${JSON.stringify(exitInfo)})`);
          last = await status();
          return predicate(last);
        },
        { timeoutMs, what: `${what} from runner ${runnerId}`, context: () => `last status: ${JSON.stringify(last)}\n${tail()}` },
      );
      return last!;
    },
    async waitFor(predicate, { timeoutMs = 30_000, what = 'condition' } = {}) {
      await eventually(predicate, { timeoutMs, what: `${what} (runner ${runnerId})`, context: tail });
    },
    exited,
    alive: () => exitInfo === undefined,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (exitInfo) return exitInfo;
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    async kill() {
      if (exitInfo) return;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
    },
  };
  live.add(runner);

  if (waitForStatus) {
    try {
      await eventually(
        () => {
          if (exitInfo)
            throw new Error(`runner ${runnerId} exited before announcing its status port (${JSON.stringify(exitInfo)})`);
          return statusUrl !== '';
        },
        { timeoutMs: 60_000, what: `runner ${runnerId} to announce its status port`, context: tail },
      );
    } catch (error) {
      await runner.kill();
      throw error;
    }
  }
  return runner;
}
