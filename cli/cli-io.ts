/**
 * Everything the CLI touches outside itself, injected so tests run it in-process: output streams,
 * environment, transport, WebSocket constructor, clock, editor, prompts. `processIo()` is the real one.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import { WebSocket } from 'ws';
import type { FetchLike } from '../client/edge-request.ts';
import type { WebSocketConstructor } from '../client/reconnecting-socket.ts';
import { systemClock, type Clock } from '../shared/clock.ts';

export interface TextSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
  /** Default: the global `fetch`. */
  fetch?: FetchLike | undefined;
  /** `ws` in the real process: the watch socket sends an Authorization header, which the WHATWG constructor cannot. */
  WebSocket?: WebSocketConstructor | undefined;
  /** Aborting it ends long-running commands (`watch`) cleanly; wired to SIGINT by `processIo`. */
  signal?: AbortSignal | undefined;
  /** Time: request deadlines, retry delays, "5s ago". Default: the system clock. */
  clock?: Clock | undefined;
  /** Opens `file` in the user's editor and resolves when it exits. */
  editFile?: ((file: string, editor: string) => Promise<void>) | undefined;
  /** Asks a yes/no question; false when nobody can answer (no TTY). */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** Reads all of standard input (`apply -f -`). */
  readStdin?: (() => Promise<string>) | undefined;
}

/** Runs `$EDITOR file` through the shell, so an editor given with flags (`code --wait`) works. */
export function spawnEditor(file: string, editor: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'livetune-editor', file], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`editor "${editor}" exited with ${signal ?? `code ${code}`}`));
    });
  });
}

async function confirmOnTty(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [Y/n] `)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The real process: its streams and environment, the global `fetch`, `ws`, the system clock, Ctrl-C. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    WebSocket,
    signal,
    clock: systemClock,
    editFile: spawnEditor,
    confirm: confirmOnTty,
    readStdin: readProcessStdin,
  };
}
