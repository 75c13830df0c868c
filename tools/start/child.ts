/**
 * A supervised child process of `npm start`. Each child gets its own process group (detached), so
 * the terminal's Ctrl-C reaches only the supervisor, which then stops the children in order:
 * runners first (they cancel their resting orders and send a last report while the edge is still
 * up), the edge last. Output is kept in a ring buffer for the error message if a child dies early.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** The last lines the child printed (stdout and stderr). */
  readonly tail: string[];
  /** Resolves with the exit code (or the signal's name) once the child has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<number | string>;
}

export function startChild(name: string, command: string, args: string[], options: SpawnOptions = {}, keepLines = 60): Child {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > keepLines) tail.shift();
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => {
      tail.push(String(error));
      resolve('spawn-error');
    });
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  return {
    name,
    process: child,
    tail,
    exited,
    async stop(graceMs = 8_000) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Polls `url` until it answers with any HTTP status, the child exits, or `timeoutMs` passes. */
export async function waitForHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited before answering at ${url}:\n${child.tail.join('\n')}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${child.name} did not answer at ${url} within ${timeoutMs / 1000} s:\n${child.tail.join('\n')}`);
}
