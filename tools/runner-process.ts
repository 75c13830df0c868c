/**
 * A real runner process (`node runner/main.ts`, or the production bundle) for end-to-end tests and
 * the bench: spawned with the Node that runs the caller (Node 24, which runs `.ts` natively), its
 * output kept line by line, its status endpoint found from its start-up log. Every runner started
 * here is remembered until it exits, so `stopAllRunners()` in `afterEach` kills each one by pid even
 * when a test fails (and the process registry kills what is left when the caller exits).
 */
import type { RunnerStatus } from '../runner/status/runner-status.ts';
import { eventually, GiveUp } from './eventually.ts';
import { describeExit, startProcess, type ExitInfo } from './managed-process.ts';
import { ROOT, runnerLaunch } from './runner-bundle.ts';

/** What a runner's `GET /status` says: the runner's own type, so the tests follow it. */
export type { RunnerStatus };

/** How long a wait on a runner may take by default: generous, so a busy 2-core machine passes. */
const DEFAULT_WAIT_MS = 60_000;

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
  readonly exited: Promise<ExitInfo>;
  alive(): boolean;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ExitInfo>;
  kill(): Promise<void>;
}

const live = new Set<RunnerProcess>();

/** Kills every runner still alive (for `afterEach`). */
export async function stopAllRunners(): Promise<void> {
  const runners = [...live];
  await Promise.all(runners.map((r) => r.kill()));
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
  const child = startProcess(`runner ${runnerId}`, launch.command, launch.args, { cwd: ROOT, env: launch.env });
  if (child.pid <= 0) throw new Error(`could not spawn runner ${runnerId}:\n${child.tail()}`);
  const pid = child.pid;
  let statusUrl = '';
  const onLine = (line: string) => {
    if (statusUrl) return;
    const port = statusPortFrom(line);
    if (port !== undefined) statusUrl = `http://127.0.0.1:${port}`;
  };
  for (const line of child.lines) onLine(line);
  child.onLine(onLine);

  const exited = child.exited.then((exit) => {
    live.delete(runner);
    return exit;
  });
  const tail = () => `runner ${runnerId} (pid ${pid}) last lines:\n${child.tail(25)}`;
  /** A probe's way out when the runner is gone: waiting longer cannot help. */
  const stillRunning = () => {
    const exit = child.exitInfo();
    if (exit) throw new GiveUp(`runner ${runnerId} exited (${describeExit(exit)})`);
  };

  async function status(): Promise<RunnerStatus> {
    if (!statusUrl) throw new Error(`runner ${runnerId} has not announced its status port yet`);
    const res = await fetch(`${statusUrl}/status`, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET /status of ${runnerId} answered ${res.status}`);
    return (await res.json()) as RunnerStatus;
  }

  const runner: RunnerProcess = {
    pid,
    runnerId,
    get statusUrl() {
      return statusUrl;
    },
    // The harness keeps every line of a runner: tests read its whole log (each applied version).
    logs: child.lines as string[],
    logRecords() {
      const records: Record<string, unknown>[] = [];
      for (const line of child.lines) {
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
    async waitForStatus(predicate, { timeoutMs = DEFAULT_WAIT_MS, what = 'a status' } = {}) {
      let last: RunnerStatus | undefined;
      await eventually(
        async () => {
          stillRunning();
          last = await status();
          return predicate(last);
        },
        { timeoutMs, what: `${what} from runner ${runnerId}`, context: () => `last status: ${JSON.stringify(last)}\n${tail()}` },
      );
      return last!;
    },
    async waitFor(predicate, { timeoutMs = DEFAULT_WAIT_MS, what = 'condition' } = {}) {
      await eventually(predicate, { timeoutMs, what: `${what} (runner ${runnerId})`, context: tail });
    },
    exited,
    alive: () => child.alive(),
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      await child.stop({ signal, graceMs });
      return exited;
    },
    async kill() {
      await child.kill();
      await exited;
    },
  };
  live.add(runner);

  if (waitForStatus) {
    try {
      await eventually(
        () => {
          if (statusUrl) return true;
          stillRunning();
          return false;
        },
        { timeoutMs: 120_000, what: `runner ${runnerId} to announce its status port`, context: tail },
      );
    } catch (error) {
      await runner.kill();
      throw error;
    }
  }
  return runner;
}
