/**
 * One child process as the harness runs it (wrangler dev, a runner, the CLI, npm start itself):
 * spawned in its own process group and registered until it exits (tools/process-registry.ts), its
 * output kept line by line, and stopped by signalling the whole group.
 *
 * Why a group: `wrangler dev` starts workerd as its own child, and workerd may outlive wrangler for
 * a moment; signalling the group by pid reaches both. And the terminal's Ctrl-C then reaches only
 * the supervisor, which stops its children in the order it chooses (npm start: runners first, so
 * they cancel their orders and report while the edge is still up; the edge last).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { register, unregister } from './process-registry.ts';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartProcessOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** 'pipe' (default) keeps every line; 'ignore' for processes whose output nobody reads. */
  output?: 'pipe' | 'ignore';
  /** How many of the last lines to keep (default: all). */
  keepLines?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Lines printed so far (stdout and stderr interleaved in arrival order), the last `keepLines`. */
  readonly lines: readonly string[];
  /** What one stream printed so far (the last `keepLines` of it), as text. */
  output(stream: 'stdout' | 'stderr'): string;
  /** Calls `listener` with every later line. */
  onLine(listener: (line: string) => void): void;
  /** Resolves once the process has exited (never rejects; a failed spawn exits with code null). */
  readonly exited: Promise<ExitInfo>;
  /** Undefined while it runs. */
  exitInfo(): ExitInfo | undefined;
  alive(): boolean;
  /** Sends `signal` to the whole group (nothing if it has exited and left no member behind). */
  signal(signal: NodeJS.Signals): void;
  /**
   * `signal` (SIGTERM) to the group, SIGKILL after `graceMs`; resolves with the exit once the
   * process has exited (what was left of its group is killed then) and its output is read.
   */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<ExitInfo>;
  /** SIGKILL to the group (a crash), resolved once it has exited. */
  kill(): Promise<ExitInfo>;
  /** The last `n` lines as one string, for a failure message. */
  tail(n?: number): string;
}

/** `0`, `143`, `SIGKILL`: how a process ended, as an operator reads it. */
export function describeExit({ code, signal }: ExitInfo): string {
  return code !== null ? String(code) : (signal ?? 'unknown');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone (or never formed): try the process itself.
    try {
      process.kill(pid, signal);
    } catch {
      // Gone too.
    }
  }
}

export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  { cwd, env = process.env, output = 'pipe', keepLines = Number.POSITIVE_INFINITY }: StartProcessOptions = {},
): ManagedProcess {
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', output, output],
  });
  const lines: string[] = [];
  const byStream = { stdout: [] as string[], stderr: [] as string[] };
  const listeners: ((line: string) => void)[] = [];
  const keep = (list: string[], line: string) => {
    list.push(line);
    if (list.length > keepLines) list.shift();
  };
  const onLine = (line: string, stream: 'stdout' | 'stderr' = 'stderr') => {
    keep(lines, line);
    keep(byStream[stream], line);
    for (const listener of listeners) listener(line);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => onLine(line, 'stdout'));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => onLine(line, 'stderr'));

  let info: ExitInfo | undefined;
  // Spawn failures have no pid; the harness still hands back a process that has "exited".
  const pid = child.pid ?? -1;
  const registered = {
    name,
    pid,
    killNow: () => {
      if (groupAlive()) signalGroup(pid, 'SIGKILL');
    },
  };
  const exited = new Promise<ExitInfo>((resolve) => {
    const done = (exit: ExitInfo) => {
      if (info) return;
      info = exit;
      unregister(registered);
      resolve(exit);
    };
    // 'exit' is the moment to clear the rest of the group; 'close' comes once every line is read.
    child.once('exit', () => {
      if (groupAlive()) signalGroup(pid, 'SIGKILL');
    });
    child.once('close', (code, signal) => done({ code, signal }));
    child.once('error', (error) => {
      onLine(`${name}: ${error.message}`);
      done({ code: null, signal: null });
    });
  });
  if (pid > 0) register(registered);

  // After the leader exits, its group may still hold members (workerd): those are ours to kill.
  let groupGone = pid <= 0;
  function groupAlive(): boolean {
    if (groupGone) return false;
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      groupGone = true;
      return false;
    }
  }

  const managed: ManagedProcess = {
    name,
    pid,
    lines,
    output: (stream) => byStream[stream].map((line) => `${line}\n`).join(''),
    onLine: (listener) => void listeners.push(listener),
    exited,
    exitInfo: () => info,
    alive: () => info === undefined,
    signal(signal) {
      if (info === undefined || groupAlive()) signalGroup(pid, signal);
    },
    async stop({ signal = 'SIGTERM', graceMs = 8_000 } = {}) {
      managed.signal(signal);
      const timer = setTimeout(() => managed.signal('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
    async kill() {
      managed.signal('SIGKILL');
      return exited;
    },
    tail: (n = 25) => lines.slice(-n).join('\n'),
  };
  return managed;
}
